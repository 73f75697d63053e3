import { Node, mergeAttributes, type Extensions } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import type * as Y from 'yjs';

/**
 * The composer's editor schema: exactly the nodes and marks the report renders (headings, paragraphs,
 * lists, quotes, bold, italic, web and mail links) plus a participant's note quoted by reference.
 * ProseMirror parses pasted HTML against this schema, so anything else (scripts, images, event
 * handlers, styles, tables) never enters the document.
 */

/** A note quoted by its `<tableId>/<noteId>`: the report prints its current text, or nothing once it is hidden. */
export function noteQuoteNode(describe: (noteId: string) => string) {
  return Node.create({
    name: 'noteQuote',
    group: 'block',
    atom: true,
    selectable: true,
    addAttributes() {
      return {
        noteId: { default: null, parseHTML: (element: HTMLElement) => element.getAttribute('data-note-id'), renderHTML: (attributes: { noteId?: string | null }) => ({ 'data-note-id': attributes.noteId }) },
      };
    },
    parseHTML() {
      return [{ tag: 'figure[data-note-id]' }];
    },
    renderHTML({ HTMLAttributes }) {
      return ['figure', mergeAttributes(HTMLAttributes, { class: 'note-quote' })];
    },
    addNodeView() {
      return ({ node }) => {
        const dom = document.createElement('figure');
        dom.className = 'note-quote';
        dom.contentEditable = 'false';
        dom.dataset.noteId = String(node.attrs.noteId ?? '');
        // textContent, never HTML: a note's words are shown as written.
        dom.textContent = describe(String(node.attrs.noteId ?? ''));
        return { dom };
      };
    },
  });
}

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

export function composerExtensions(fragment: Y.XmlFragment, describeNote: (noteId: string) => string): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [2, 3] },
      code: false,
      codeBlock: false,
      horizontalRule: false,
      strike: false,
      underline: false,
      hardBreak: false,
      // Yjs keeps its own history of each person's edits.
      undoRedo: false,
      link: {
        openOnClick: false,
        autolink: true,
        protocols: ['mailto'],
        defaultProtocol: 'https',
        isAllowedUri: (url: string) => SAFE_LINK.test(url),
      },
    }),
    noteQuoteNode(describeNote),
    Collaboration.configure({ fragment }),
  ];
}

export const isSafeLink = (url: string) => SAFE_LINK.test(url.trim());
