const STORAGE_KEY = 'tablemap:easy-read';

/**
 * Easy-read and calm mode: larger text and targets, plain words with an icon beside each action,
 * fewer choices, no motion and a high-contrast palette. Remembered on this phone.
 */
export const readingMode = $state({ easyRead: readStored() });

function readStored(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Marks `<html>` so the design system's easy-read tokens apply everywhere. */
export function applyReadingMode(): void {
  document.documentElement.classList.toggle('tm-easy-read', readingMode.easyRead);
}

export function setEasyRead(on: boolean): void {
  readingMode.easyRead = on;
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Private browsing may refuse storage; the choice still holds until the page closes.
  }
  applyReadingMode();
}
