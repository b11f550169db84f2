export function SyncSection() {
  return (
    <section aria-labelledby="Sync-h">
      <h2 id="Sync-h">Sync</h2>
    </section>
  );
}
