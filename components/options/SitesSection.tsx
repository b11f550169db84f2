export function SitesSection() {
  return (
    <section aria-labelledby="Sites-h">
      <h2 id="Sites-h">Sites</h2>
    </section>
  );
}
