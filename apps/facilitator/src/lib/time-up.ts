/**
 * A short two-note chime for "time is up", made with Web Audio (no sound file to ship or fetch).
 * Browsers allow it once the page has had a click, which the facilitator gave when starting the timer.
 */
export function signalTimeUp(): void {
  const AudioContextClass = globalThis.AudioContext;
  if (!AudioContextClass) return;
  try {
    const context = new AudioContextClass();
    const notes = [880, 660];
    notes.forEach((frequency, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      const start = context.currentTime + index * 0.35;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.32);
    });
    setTimeout(() => void context.close(), 1500);
  } catch {
    // No audio device: the flash still shows.
  }
}
