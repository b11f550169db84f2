// The end-to-end harness: see tests/e2e/README.md.
export { ROOT, EXTENSION_DIR, fixturePath } from './paths.mjs';
export { launchExtension, stopServiceWorker } from './extension.mjs';
export { routeHtml, routeFixture, blockExternalNetwork } from './routes.mjs';
export { optionsSection, waitForStatus, importCampaignFile, allStored, countStored, readStored, setYou, IMPORT_DONE } from './options.mjs';
export { badges, badgeFor, badgeButton, badgeEmails, waitForBadges, openCard } from './host.mjs';
export { eventually } from './wait.mjs';
