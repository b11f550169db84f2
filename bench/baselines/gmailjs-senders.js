// Baseline for the bundle size: the smallest useful gmail.js script (with the jQuery it needs),
// listing the senders of the thread the user opens. Bundled like Unison's content script.
import jQuery from 'jquery';
import { Gmail } from 'gmail-js';

const gmail = new Gmail(jQuery);
gmail.observe.on('load', () => {
  gmail.observe.on('view_email', (email) => {
    console.log('sender', email.from().email);
  });
});
