"""Commands MathJax and KaTeX accept that math-core lacks, said with the commands it has.

Measured by bench/math_commands.py, which runs every command of MathJax's `base` and `ams`
packages through math-core: what failed and has a fair equivalent is here. Font-size switches
and overlaps (`\\large`, `\\rlap`) lose only their size or overlap; the rest render as MathJax
renders them. Environments math-core lacks are renamed to the nearest one it has.
"""

from __future__ import annotations

import re

from margin.markdown.texmacros import Macro

_MACROS = {
    # text and font commands
    "textup": r"\textrm{#1}", "textnormal": r"\textrm{#1}", "mbox": r"\text{#1}",
    "hbox": r"\text{#1}", "framebox": r"\fbox{#1}", "mathnormal": "{#1}", "mathup": r"\mathrm{#1}",
    "mathbfup": r"\mathbf{#1}", "mathbfit": r"\boldsymbol{#1}",
    "mathbfcal": r"\boldsymbol{\mathcal{#1}}", "mathbfscr": r"\boldsymbol{\mathscr{#1}}",
    "mathbffrak": r"\boldsymbol{\mathfrak{#1}}", "mathbfsf": r"\boldsymbol{\mathsf{#1}}",
    "mathbfsfup": r"\boldsymbol{\mathsf{#1}}", "mathbfsfit": r"\boldsymbol{\mathsf{#1}}",
    "mathsfup": r"\mathsf{#1}", "mathsfit": r"\mathsf{#1}", "pmb": r"\boldsymbol{#1}",
    "mathbbm": r"\mathbb{#1}", "mathds": r"\mathbb{#1}", "bbFont": r"\mathbb",
    "scr": r"\mathscr", "mit": r"\mathit", "oldstyle": "", "ensuremath": "{#1}", "xspace": "",
    "symbb": r"\mathbb{#1}", "symbf": r"\mathbf{#1}", "symbfup": r"\mathbf{#1}",
    "symbfit": r"\boldsymbol{#1}", "symbfcal": r"\boldsymbol{\mathcal{#1}}",
    "symbfscr": r"\boldsymbol{\mathscr{#1}}", "symbffrak": r"\boldsymbol{\mathfrak{#1}}",
    "symbfsf": r"\boldsymbol{\mathsf{#1}}", "symbfsfup": r"\boldsymbol{\mathsf{#1}}",
    "symbfsfit": r"\boldsymbol{\mathsf{#1}}", "symcal": r"\mathcal{#1}",
    "symfrak": r"\mathfrak{#1}",
    "symit": r"\mathit{#1}", "symnormal": "{#1}", "symrm": r"\mathrm{#1}", "symup": r"\mathrm{#1}",
    "symscr": r"\mathscr{#1}", "symsf": r"\mathsf{#1}", "symsfup": r"\mathsf{#1}",
    "symsfit": r"\mathsf{#1}", "symtt": r"\mathtt{#1}",
    "LaTeX": r"\text{LaTeX}", "TeX": r"\text{TeX}",
    # accents, stacks and limits
    "widetilde": r"\tilde{#1}", "substack": r"\begin{subarray}{c}#1\end{subarray}",
    "stackbin": r"\mathbin{\stackrel{#1}{#2}}",
    "overunderset": r"\overset{#1}{\underset{#2}{#3}}",
    "varliminf": r"\mathop{\underline{\lim}}", "varlimsup": r"\mathop{\overline{\lim}}",
    "varinjlim": r"\mathop{\underrightarrow{\lim}}",
    "varprojlim": r"\mathop{\underleftarrow{\lim}}",
    # symbols
    "smallsetminus": r"\setminus", "shortmid": r"\mid", "nshortmid": r"\nmid",
    "shortparallel": r"\parallel", "nshortparallel": r"\nparallel", "smallfrown": r"\frown",
    "smallsmile": r"\smile", "thicksim": r"\sim", "thickapprox": r"\approx",
    "centerdot": r"\cdot", "varpropto": r"\propto", "intop": r"\int", "smallint": r"\int",
    "divsymbol": r"\div", "arrowvert": r"\vert", "Arrowvert": r"\Vert", "bracevert": r"\vert",
    "dotsb": r"\cdots", "dotsi": r"\cdots", "dotsm": r"\cdots", "dotsc": r"\ldots",
    "dotso": r"\ldots",
    # spacing, overlaps and sizes: the content stays, the size or overlap is lost
    "llap": "{#1}", "rlap": "{#1}", "mathllap": "{#1}", "mathrlap": "{#1}", "mathclap": "{#1}",
    "smash": "{#1}", "vcenter": "{#1}", "strut": "", "hfil": "", "hfill": "", "hfilll": "",
    "tiny": "", "Tiny": "", "scriptsize": "", "small": "", "normalsize": "", "large": "",
    "Large": "", "LARGE": "", "huge": "", "Huge": "",
}

COMPAT_MACROS: tuple[Macro, ...] = tuple(
    Macro(name, body, max((int(n) for n in re.findall(r"#([1-9])", body)), default=0))
    for name, body in _MACROS.items())

# Environments math-core lacks -> the nearest it has; the `{n}` column count of the
# alignat family is dropped with the name.
_ENVIRONMENTS = {"split": "aligned", "alignat": "align", "alignat*": "align*",
                 "alignedat": "aligned", "xalignat": "align", "xalignat*": "align*",
                 "xxalignat": "align", "flalign": "align", "flalign*": "align*",
                 "eqnarray": "align", "eqnarray*": "align*", "smallmatrix": "matrix"}
_ENVIRONMENT = re.compile(r"\\(begin|end)\{(" + "|".join(re.escape(name) for name in _ENVIRONMENTS)
                          + r")\}(\{\d+\})?")


def rename_environments(tex: str) -> str:
    """TEX with each environment math-core lacks renamed (`split` -> `aligned`)."""
    if "\\begin" not in tex:
        return tex

    def rename(match: re.Match[str]) -> str:
        kept = match.group(3) if match.group(1) == "end" else ""
        return f"\\{match.group(1)}{{{_ENVIRONMENTS[match.group(2)]}}}{kept or ''}"

    return _ENVIRONMENT.sub(rename, tex)


_TAG = re.compile(r"\\tag(\*?)\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_TAG_SYMBOLS = {"\\ast": "*", "\\star": "*", "\\prime": "'", "\\dagger": "+", "\\ddagger": "++"}
_TAG_COMMAND = re.compile(r"\\[A-Za-z]+")
_TAG_KEPT = re.compile(r"[^A-Za-z0-9 .,:;'*+()/=!?|<>\[\]@-]")


def plain_tags(tex: str) -> str:
    """TEX with each `\\tag{...}` holding math (`\\tag{$\\star$}`) given plain text instead:
    math-core takes only plain ASCII there, MathJax takes math."""
    if "\\tag" not in tex:
        return tex

    def plain(match: re.Match[str]) -> str:
        text = match.group(2)
        if not _TAG_KEPT.search(text) and "\\" not in text:
            return match.group(0)
        text = _TAG_COMMAND.sub(lambda m: _TAG_SYMBOLS.get(m.group(0), m.group(0)[1:]), text)
        return f"\\tag{match.group(1)}{{{_TAG_KEPT.sub('', text).strip() or '*'}}}"

    return _TAG.sub(plain, tex)


_ONLY_TAGGING = re.compile(
    r"(?:\s*\\(?:label|tag\*?)\{[^{}]*\}|\s*\\(?:notag|nonumber)(?![A-Za-z]))+\s*")


def tags_inside(tex: str) -> str:
    """`\\begin{align}...\\end{align}\\label{x}`: MathJax (so Typora) takes a label or tag
    written after the environment; math-core only inside it, so it moves onto the last row."""
    end = tex.rfind("\\end{")
    close = tex.find("}", end) if end >= 0 else -1
    if close < 0 or not _ONLY_TAGGING.fullmatch(tex, close + 1):
        return tex
    return f"{tex[:end]}{tex[close + 1:].strip()}{tex[end:close + 1]}"
