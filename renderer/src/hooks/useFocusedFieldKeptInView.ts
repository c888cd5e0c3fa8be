// The field a person is typing in stays in view when the layout under it changes: a larger text size, a window that
// rotates or resizes, the keyboard docking. Without this the browser keeps the region's scroll offset, and the field
// they were typing in can end up above or below what the region shows.
import { useEffect } from 'react';

const isTypingField = (element: Element | null): element is HTMLInputElement | HTMLTextAreaElement =>
  element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement;

export function useFocusedFieldKeptInView(): void {
  useEffect(() => {
    let frame: number | null = null;
    const keepInView = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      // After the new layout: one frame later the sizes are the new ones.
      frame = requestAnimationFrame(() => {
        frame = null;
        const focused = document.activeElement;
        if (isTypingField(focused)) focused.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      });
    };
    const textSize = new MutationObserver(keepInView);
    textSize.observe(document.documentElement, { attributes: true, attributeFilter: ['data-text-size'] });
    window.addEventListener('resize', keepInView);
    return () => {
      textSize.disconnect();
      window.removeEventListener('resize', keepInView);
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, []);
}
