export function FeedbackSection() {
  return (
    <section aria-labelledby="Feedback-h">
      <h2 id="Feedback-h">Feedback</h2>
    </section>
  );
}
