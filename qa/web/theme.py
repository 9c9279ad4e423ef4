"""A Gradio theme that needs no web fonts: system CJK fonts only, so the page loads on closed networks.

Stock themes name Google Fonts (or bundled Latin-only fonts); a browser without internet then waits on
fonts.googleapis.com before showing text (gradio issue #1450). Every font here is a local name.
"""

from __future__ import annotations

import gradio as gr

SANS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
        "WenQuanYi Micro Hei", "ui-sans-serif", "system-ui", "sans-serif")
MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Noto Sans Mono CJK SC", "monospace")

CSS = """
/* Text colours of our own, each >= 4.5:1 on the page's backgrounds (light and dark): Gradio's subdued grey
   (#94a3b8, 2.56:1) and its primary blue (#3b82f6, 3.67:1 under white text) are too faint for small text. */
.gradio-container { --qa-muted: #4b5563; --qa-link: #1d4ed8; --qa-button: #1d4ed8; --qa-button-hover: #1e40af; }
.dark .gradio-container, .gradio-container.dark { --qa-muted: #cbd5e1; --qa-link: #93c5fd; }
/* One column width from the first screen on (the empty page was a ~440 px column, an answer made it ~830 px). */
.gradio-container { width: 100% !important; max-width: 900px !important; margin: 0 auto !important; }
.gradio-container > .main, .gradio-container main.contain { width: 100%; }
#qa-title h1 { margin-bottom: 0.2em; }
#qa-title p { color: var(--qa-muted); margin-top: 0; }
.qa-embedded #qa-title { display: none; }
#qa-chat .placeholder, #qa-chat .placeholder-content { padding: 12px 16px; }
/* Gradio's "scroll to the latest" arrow covered answer text; each new answer is brought into view anyway. */
#qa-chat .scroll-down-button-container { display: none !important; }
/* Gradio draws every message at opacity .8, which takes each colour below its contrast. */
#qa-chat .message-wrap .prose.chatbot.md { opacity: 1; }
#qa-send { background: var(--qa-button) !important; border-color: var(--qa-button) !important; color: #fff !important; }
#qa-send:hover { background: var(--qa-button-hover) !important; }
.qa-card { line-height: 1.7; }
.qa-short { font-weight: 700; font-size: 1.15em; margin-bottom: 2px; }
.qa-answer { font-size: 1.05em; }
.qa-unanswered { color: var(--qa-muted); }
a.qa-ref { color: var(--qa-link); font-weight: 600; margin: 0 1px; font-size: 0.8em;
           vertical-align: super; line-height: 0; text-decoration: none; cursor: pointer; }
a.qa-ref:hover, a.qa-ref:focus-visible { text-decoration: underline; }
.qa-note { margin-top: 6px; font-size: 0.9em; color: var(--qa-muted); }
.qa-sources { margin-top: 10px; border-top: 1px solid var(--border-color-primary); padding-top: 6px; }
.qa-sources-title { font-size: 0.85em; color: var(--qa-muted); margin-bottom: 4px; }
.qa-source { margin: 6px 0; font-size: 0.92em; border: 1px solid var(--border-color-primary); border-radius: 8px;
             padding: 4px 10px; background: var(--background-fill-primary); }
.qa-source summary, .qa-more > summary { cursor: pointer; list-style-position: inside; overflow-wrap: break-word;
                                          word-break: normal; }
.qa-source.qa-flash { outline: 2px solid var(--qa-link); }
.qa-more > summary { font-size: 0.88em; color: var(--qa-muted); margin: 4px 0; }
.qa-n { color: var(--qa-link); font-weight: 600; }
.qa-where { color: var(--qa-muted); }
.qa-passage { margin: 4px 0 6px; padding: 6px 10px; border-left: 3px solid var(--color-accent-soft);
              background: var(--background-fill-secondary); line-height: 1.65; overflow-wrap: break-word; }
/* Marks keep dark text on a light yellow in both colour schemes (contrast > 10:1). */
mark.qa-hit, mark.qa-cited { background: #fde68a; color: #1f2937; padding: 0 1px; border-radius: 2px; }
mark.qa-cited { background: #fef08a; box-shadow: inset 0 -2px 0 #ca8a04; }
.qa-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 8px; }
.qa-actions button, .qa-fb-form button { border: 1px solid var(--border-color-primary); border-radius: 6px;
    background: var(--background-fill-primary); color: var(--body-text-color); padding: 1px 10px;
    font-size: 0.85em; cursor: pointer; }
.qa-actions button[aria-pressed="true"] { border-color: var(--qa-link); background: var(--color-accent-soft); }
.qa-status { font-size: 0.82em; color: var(--qa-muted); }
.qa-fb-form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 6px; font-size: 0.88em; }
.qa-fb-form label { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; flex: 1 1 16em; }
.qa-fb-form input { flex: 1 1 12em; min-width: 0; padding: 2px 6px; border: 1px solid var(--border-color-primary);
    border-radius: 6px; background: var(--input-background-fill); color: var(--body-text-color); }
.qa-meta { margin-top: 6px; font-size: 0.78em; color: var(--qa-muted); }
.qa-error { color: var(--error-text-color, #b91c1c); }
.qa-card :focus-visible, #qa-settings input[type=range]:focus-visible {
    outline: 2px solid var(--qa-link); outline-offset: 2px; }
#qa-settings input[type=range]:focus { outline: 2px solid var(--qa-link); outline-offset: 2px; }
/* As Gradio's web component the chat lives in the portal's document: its inherited text properties and the
   portal's rules for bare button/textarea/input are set back to the chat's own (type selectors lose to these). */
gradio-app .gradio-container { letter-spacing: normal; word-spacing: normal; text-transform: none; text-indent: 0;
    text-align: left; font-style: normal; font-variant: normal; text-shadow: none; white-space: normal;
    line-height: var(--line-md, 1.5); font-family: var(--font); }
gradio-app .gradio-container * { letter-spacing: normal; word-spacing: normal; text-transform: none; text-shadow: none; }
gradio-app .gradio-container :is(button, textarea, input, select) { font-family: inherit; font-style: normal; }
gradio-app .gradio-container :is(textarea, input) { color: var(--body-text-color); background: var(--input-background-fill); }
@media (max-width: 600px) {
  .gradio-container { padding: 0 8px !important; }
  #qa-title h1 { font-size: 1.35em; }
  #qa-title p { font-size: 0.9em; }
}
"""


def intranet_theme() -> gr.themes.Base:
    """Gradio's default look with system fonts (no Google/bundled font files are requested)."""
    return gr.themes.Default(
        primary_hue="blue",
        neutral_hue="slate",
        font=[gr.themes.Font(name) for name in SANS],
        font_mono=[gr.themes.Font(name) for name in MONO],
    )
