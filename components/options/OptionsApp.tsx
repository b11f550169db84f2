import { CampaignDataSection } from './CampaignDataSection';
import { FeedbackSection } from './FeedbackSection';
import { SitesSection } from './SitesSection';
import { SyncSection } from './SyncSection';
import { YouSection } from './YouSection';
import './options.css';

export function OptionsApp() {
  return (
    <main class="options">
      <header class="options-header">
        <h1>Unison</h1>
        <p class="muted">Campaign context beside every lead, and lead feedback for marketing.</p>
      </header>
      <CampaignDataSection />
      <FeedbackSection />
      <SyncSection />
      <SitesSection />
      <YouSection />
    </main>
  );
}
