/**
 * Pointer-based drag and drop for note cards (mouse, pen and touch alike). HTML5 drag and drop is not
 * available on touch screens and is unreliable in headless browsers, so we follow the pointer ourselves:
 * a drag starts after the pointer moves a few pixels, a floating copy follows it, and on release the
 * element under the pointer with `data-drop-theme` receives the note ('' means "unsorted").
 * Every drag needs a tap alternative beside it (WCAG 2.5.7): each app offers the same moves through menus or buttons.
 */
export interface DragNoteOptions {
  ref: string;
  label: string;
  onDrop: (ref: string, themeId: string | null) => void;
}

const START_DISTANCE = 6;
const INTERACTIVE = 'button, input, select, textarea, a, label, summary, [contenteditable="true"]';

function dropZoneAt(x: number, y: number): HTMLElement | null {
  const hit = document.elementFromPoint(x, y);
  return hit instanceof Element ? hit.closest<HTMLElement>('[data-drop-theme]') : null;
}

export function dragNote(node: HTMLElement, initial: DragNoteOptions) {
  let options = initial;
  let start: { x: number; y: number; id: number } | null = null;
  let ghost: HTMLElement | null = null;
  let over: HTMLElement | null = null;

  const setOver = (zone: HTMLElement | null) => {
    if (zone === over) return;
    over?.classList.remove('drop-over');
    over = zone;
    over?.classList.add('drop-over');
  };

  const finish = (event: PointerEvent | null) => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onCancel);
    window.removeEventListener('keydown', onKey);
    const zone = event && ghost ? dropZoneAt(event.clientX, event.clientY) : null;
    ghost?.remove();
    ghost = null;
    setOver(null);
    node.classList.remove('dragging');
    document.body.classList.remove('note-dragging');
    start = null;
    if (zone) options.onDrop(options.ref, zone.dataset.dropTheme || null);
  };

  const onMove = (event: PointerEvent) => {
    if (!start || event.pointerId !== start.id) return;
    if (!ghost) {
      if (Math.hypot(event.clientX - start.x, event.clientY - start.y) < START_DISTANCE) return;
      ghost = document.createElement('div');
      ghost.className = 'drag-ghost';
      ghost.setAttribute('aria-hidden', 'true');
      ghost.textContent = options.label; // text, never markup
      document.body.append(ghost);
      node.classList.add('dragging');
      document.body.classList.add('note-dragging');
    }
    event.preventDefault();
    ghost.style.transform = `translate(${event.clientX + 8}px, ${event.clientY + 8}px)`;
    setOver(dropZoneAt(event.clientX, event.clientY));
  };
  const onUp = (event: PointerEvent) => finish(event);
  const onCancel = () => finish(null);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') finish(null);
  };

  const onDown = (event: PointerEvent) => {
    if (event.button !== 0 || (event.target instanceof Element && event.target.closest(INTERACTIVE))) return;
    start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onCancel);
    window.addEventListener('keydown', onKey);
  };

  node.addEventListener('pointerdown', onDown);
  return {
    update(next: DragNoteOptions) {
      options = next;
    },
    destroy() {
      node.removeEventListener('pointerdown', onDown);
      finish(null);
    },
  };
}
