export function CampaignDataSection() {
  return (
    <section aria-labelledby="CampaignData-h">
      <h2 id="CampaignData-h">Campaign data</h2>
    </section>
  );
}
