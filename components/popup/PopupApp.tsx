export function PopupApp() {
  return <main>Unison</main>;
}
