// The others' cursors and selections in the live editor, drawn with classes:
// the page's Content-Security-Policy allows no style attributes, which is
// how y-codemirror.next colours them. A person's colour is one of the
// editor's palette; each has a class in stoa.css (`coedit-c0` to
// `coedit-c7`, and `coedit-cx` for a colour from another client), which
// sets `--coedit` for the rules below it. Also publishes this editor's own
// cursor in the awareness, as y-codemirror.next's plugin does.
import * as Y from 'yjs';
import { Annotation } from '@codemirror/state';
import { Decoration, ViewPlugin, WidgetType } from '@codemirror/view';

class Caret extends WidgetType {
  constructor(colorClass, name) {
    super();
    this.colorClass = colorClass;
    this.name = name;
  }

  toDOM() {
    const caret = document.createElement('span');
    caret.className = 'cm-ySelectionCaret ' + this.colorClass;
    const dot = document.createElement('span');
    dot.className = 'cm-ySelectionCaretDot';
    const info = document.createElement('span');
    info.className = 'cm-ySelectionInfo';
    info.textContent = this.name;
    caret.append('\u2060', dot, '\u2060', info, '\u2060');
    return caret;
  }

  eq(other) {
    return other.colorClass === this.colorClass && other.name === this.name;
  }

  get estimatedHeight() {
    return -1;
  }

  ignoreEvent() {
    return true;
  }
}

// `colorClass(color)` names the class of a person's colour.
export function remoteSelections(ytext, awareness, colorClass) {
  const refresh = Annotation.define();
  return ViewPlugin.fromClass(
    class {
      constructor(view) {
        // Those already here when the editor opens show at once.
        this.decorations = this.draw(view.state);
        this.listener = ({ added, updated, removed }) => {
          if (added.concat(updated, removed).some((id) => id !== awareness.doc.clientID)) {
            view.dispatch({ annotations: [refresh.of(null)] });
          }
        };
        awareness.on('change', this.listener);
      }

      destroy() {
        awareness.off('change', this.listener);
      }

      update(update) {
        this.publish(update);
        this.decorations = this.draw(update.state);
      }

      draw(state) {
        const ranges = [];
        const length = state.doc.length;
        awareness.getStates().forEach((other, client) => {
          const cursor = other.cursor;
          if (client === awareness.doc.clientID || !cursor || cursor.anchor == null || cursor.head == null) return;
          const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, ytext.doc);
          const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, ytext.doc);
          if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) return;
          const from = Math.min(anchor.index, head.index);
          const to = Math.max(anchor.index, head.index);
          if (to > length) return;
          const user = other.user || {};
          const cls = colorClass(user.color);
          if (from < to) ranges.push(Decoration.mark({ class: 'cm-ySelection ' + cls }).range(from, to));
          const side = head.index - anchor.index > 0 ? -1 : 1;
          ranges.push(Decoration.widget({ side, widget: new Caret(cls, user.name || '…') }).range(head.index));
        });
        return Decoration.set(ranges, true);
      }

      // This editor's own cursor, as relative positions the others resolve.
      publish(update) {
        const local = awareness.getLocalState();
        if (local == null) return;
        const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
        const selection = focused ? update.state.selection.main : null;
        if (selection == null) {
          if (local.cursor != null && focused) awareness.setLocalStateField('cursor', null);
          return;
        }
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, selection.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, selection.head);
        const current = local.cursor;
        const same =
          current != null &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head);
        if (!same) awareness.setLocalStateField('cursor', { anchor, head });
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}
