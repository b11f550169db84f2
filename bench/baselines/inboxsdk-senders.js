// Baseline for the bundle size: the smallest useful InboxSDK extension script, listing the
// senders of the thread the user opens. Bundled like Unison's content script (see bench/bundle.mjs).
import * as InboxSDK from '@inboxsdk/core';

InboxSDK.load(2, 'sdk_unison_bench_0').then((sdk) => {
  sdk.Conversations.registerThreadViewHandler((threadView) => {
    const senders = threadView
      .getMessageViewsAll()
      .filter((m) => m.isLoaded())
      .map((m) => m.getSender().emailAddress);
    console.log('senders', senders);
  });
});
