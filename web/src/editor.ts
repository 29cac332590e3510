// CodeMirror 6 editors for code, JSON events and state machine definitions.
// Colours come from CSS variables (styles.css), so light and dark follow the
// OS setting without a second theme.
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, placeholder as cmPlaceholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { lintGutter, linter, type Diagnostic as CMDiagnostic } from "@codemirror/lint";
import { classHighlighter } from "@lezer/highlight";
import { json } from "@codemirror/lang-json";
import { javascript } from "@codemirror/lang-javascript";

export type { CMDiagnostic };

const extOf = (file: string) => file.slice(file.lastIndexOf(".") + 1).toLowerCase();

/** languageFor is the highlighting bundled with the editor (JavaScript, JSON). */
export function languageFor(file: string): Extension {
  switch (extOf(file)) {
    case "js": case "cjs": case "mjs": return javascript();
    case "ts": return javascript({ typescript: true });
    case "json": case "asl": return json();
    default: return [];
  }
}

/** lateLanguage loads the packs only function code needs (Python, Java; C# reads close enough to Java). */
async function lateLanguage(file: string): Promise<Extension | null> {
  switch (extOf(file)) {
    case "py": return (await import("@codemirror/lang-python")).python();
    case "java": case "cs": return (await import("@codemirror/lang-java")).java();
    default: return null;
  }
}

export interface EditorOptions {
  doc: string;
  file?: string; // picks the language
  readOnly?: boolean;
  onChange?: (text: string) => void;
  lint?: (view: EditorView) => Promise<readonly CMDiagnostic[]> | readonly CMDiagnostic[];
  keys?: { key: string; run: () => boolean }[];
  minHeight?: string;
  placeholder?: string;
  wrap?: boolean; // soft-wrap long lines
  label: string; // accessible name
}

export interface Editor {
  view: EditorView;
  dom: HTMLElement;
  text(): string;
  setText(text: string): void;
  setFile(file: string): void;
  setState(state: EditorState): void;
  state(doc: string, file: string): EditorState;
  focus(): void;
}

export function createEditor(opts: EditorOptions): Editor {
  const lang = new Compartment();
  const files = new WeakMap<EditorState, string>();
  const extensions = (file: string): Extension[] => [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    drawSelection(),
    history(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(classHighlighter),
    keymap.of([...(opts.keys ?? []), ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
    lang.of(languageFor(file)),
    EditorState.tabSize.of(2),
    EditorView.contentAttributes.of({ "aria-label": opts.label }),
    EditorView.editable.of(!opts.readOnly),
    EditorState.readOnly.of(!!opts.readOnly),
    opts.placeholder ? cmPlaceholder(opts.placeholder) : [],
    opts.wrap ? EditorView.lineWrapping : [],
    opts.lint ? [linter(opts.lint, { delay: 400 }), lintGutter()] : [],
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange?.(u.state.doc.toString());
    }),
    EditorView.theme({ "&": { minHeight: opts.minHeight ?? "200px" }, ".cm-scroller": { minHeight: opts.minHeight ?? "200px" } }),
  ];
  const file = opts.file ?? "x.json";
  const view = new EditorView({ state: EditorState.create({ doc: opts.doc, extensions: extensions(file) }) });
  const late = (f: string) => {
    lateLanguage(f).then((ext) => {
      if (ext) view.dispatch({ effects: lang.reconfigure(ext) });
    }).catch(() => {});
  };
  late(file);
  view.dom.classList.add("editor");
  return {
    view,
    dom: view.dom,
    text: () => view.state.doc.toString(),
    setText(text: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setFile(f: string) {
      view.dispatch({ effects: lang.reconfigure(languageFor(f)) });
      late(f);
    },
    state: (doc: string, f: string) => {
      const st = EditorState.create({ doc, extensions: extensions(f) });
      files.set(st, f);
      return st;
    },
    setState: (st: EditorState) => {
      view.setState(st);
      late(files.get(st) ?? "");
    },
    focus: () => view.focus(),
  };
}
