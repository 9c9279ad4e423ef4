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
.gradio-container { max-width: 900px !important; margin: 0 auto !important; }
#qa-title h1 { margin-bottom: 0.2em; }
#qa-title p { color: var(--body-text-color-subdued); margin-top: 0; }
.qa-answer { font-size: 1.05em; line-height: 1.7; }
.qa-unanswered { color: var(--body-text-color-subdued); }
.qa-ref { color: var(--color-accent); font-weight: 600; margin: 0 1px; }
.qa-note { margin-top: 6px; font-size: 0.9em; color: var(--body-text-color-subdued); }
.qa-sources { margin-top: 10px; border-top: 1px solid var(--border-color-primary); padding-top: 6px; }
.qa-sources-title { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.qa-source { margin: 4px 0; font-size: 0.92em; }
.qa-source summary { cursor: pointer; list-style-position: inside; }
.qa-n { color: var(--color-accent); font-weight: 600; }
.qa-where { color: var(--body-text-color-subdued); }
.qa-passage { margin: 4px 0 8px 1.2em; padding: 6px 10px; border-left: 3px solid var(--color-accent-soft);
              background: var(--background-fill-secondary); line-height: 1.65; }
mark.qa-hit { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.qa-meta { margin-top: 6px; font-size: 0.78em; color: var(--body-text-color-subdued); }
.qa-error { color: var(--error-text-color, #b91c1c); }
"""


def intranet_theme() -> gr.themes.Base:
    """Gradio's default look with system fonts (no Google/bundled font files are requested)."""
    return gr.themes.Default(
        primary_hue="blue",
        neutral_hue="slate",
        font=[gr.themes.Font(name) for name in SANS],
        font_mono=[gr.themes.Font(name) for name in MONO],
    )
