#!/usr/bin/env python3
"""Which commands of MathJax's `base` and `ams` packages math-core renders (a measurement).

The names are MathJax's own list of supported commands (docs.mathjax.org, "Supported TeX/LaTeX
commands"), keeping those marked base or ams. Each command is tried alone and with one to
three arguments, or in the sample given below where it only makes sense in context; with
--compat, through margin's compatibility set (markdown/mathcompat.py).

    .venv/bin/python bench/math_commands.py [--compat]
"""

from __future__ import annotations

import argparse

BASE = """
\\_ \\, \\; \\: \\! \\{ \\} \\& \\# \\% \\> \\| \\$
above abovewithdelims acute aleph alpha amalg And angle approx arccos arcsin arctan arg array
arrowvert Arrowvert ast asymp atop atopwithdelims backslash bar Bbb bbFont begin beta bf big Big
bigcap bigcirc bigcup bigg Bigg biggl Biggl biggm Biggm biggr Biggr bigl Bigl bigm Bigm bigodot
bigoplus bigotimes bigr Bigr bigsqcup bigtriangledown bigtriangleup biguplus bigvee bigwedge bmod
bot bowtie boxed brace bracevert brack breve buildrel bullet cal cap cases cdot cdotp cdots check
chi choose circ clubsuit colon cong coprod cos cosh cot coth cr csc cup dagger dashv ddagger ddot
ddots deg delta Delta det diamond diamondsuit dim displaylines displaystyle div divsymbol dot
doteq dots dotsb dotsc dotsi dotsm dotso downarrow Downarrow ell emptyset enspace epsilon eqalign
eqalignno equiv eta exists exp fbox flat forall frac frak framebox frown gamma Gamma gcd ge geq
gets gg grave gt hat hbar hbox hdashline heartsuit hfil hfill hfilll hline hom hookleftarrow
hookrightarrow hphantom hskip hspace huge Huge iff iiint iint Im imath in inf infty int intop iota
it jmath kappa ker kern label lambda Lambda land langle large Large LARGE LaTeX lbrace lbrack lceil
ldotp ldots le left Leftarrow leftarrow leftharpoondown leftharpoonup Leftrightarrow leftrightarrow
leftroot leq leqalignno lfloor lg lgroup lim liminf limits limsup ll llap lmoustache ln lnot log
longleftarrow Longleftarrow Longleftrightarrow longleftrightarrow longmapsto longrightarrow
Longrightarrow lor lower lt mapsto mathbb mathbf mathbfcal mathbffrak mathbfit mathbfscr mathbfsf
mathbfsfit mathbfsfup mathbfup mathbin mathcal mathchoice mathclose mathfrak mathinner mathit
mathnormal mathop mathopen mathord mathpunct mathrel mathrm mathscr mathsf mathsfit mathsfup
mathstrut mathtt mathup matrix max mbox mid middle min mit mkern mmlToken mod models moveleft
moveright mp mskip mspace mu nabla natural ne nearrow neg negthinspace neq newline nolimits
nonscript nonumber normalsize not notChar notin nu nwarrow odot oint oldstyle omega Omega omicron
ominus oplus oslash otimes over overbrace overleftarrow overleftrightarrow overline overparen
overrightarrow overset overunderset overwithdelims owns parallel partial perp phantom phi Phi pi
Pi pm pmatrix pmb pmod pod Pr prec preceq prime prod propto psi Psi qquad quad raise rangle rbrace
rbrack rceil Re ref rfloor rgroup rho right Rightarrow rightarrow rightharpoondown rightharpoonup
rightleftharpoons rlap rm rmoustache root rule Rule S scr scriptscriptstyle scriptsize scriptstyle
searrow sec setminus sf sharp sigma Sigma sim simeq sin sinh skew small smallint smash smile Space
space spadesuit sqcap sqcup sqrt sqsubseteq sqsupseteq stackbin stackrel star strut subset
subseteq succ succeq sum sup supset supseteq surd swarrow symbb symbf symbfcal symbffrak symbfit
symbfscr symbfsf symbfsfit symbfsfup symbfup symcal symfrak symit symnormal symrm symscr symsf
symsfit symsfup symtt symup tan tanh tau TeX text textbf textit textnormal textrm textsf
textstyle texttt textup theta Theta thinspace tilde times tiny Tiny to top triangle triangleleft
triangleright tt underbrace underleftarrow underleftrightarrow underline underparen
underrightarrow underset uparrow Uparrow updownarrow Updownarrow uplus uproot upsilon Upsilon
varepsilon varphi varpi varrho varsigma vartheta vcenter vdash vdots vec vee Vert vert vphantom
wedge widehat widetilde wp wr xi Xi zeta
"""

AMS = """
approxeq backepsilon backprime backsim backsimeq barwedge Bbbk because beth between bigstar binom
blacklozenge blacksquare blacktriangle blacktriangledown blacktriangleleft blacktriangleright Box
boxdot boxed boxminus boxplus boxtimes bumpeq Bumpeq Cap centerdot cfrac checkmark circeq
circlearrowleft circlearrowright circledast circledcirc circleddash circledR circledS complement
Cup curlyeqprec curlyeqsucc curlyvee curlywedge curvearrowleft curvearrowright daleth
dashleftarrow dashrightarrow dbinom ddddot dddot DeclareMathOperator dfrac diagdown diagup Diamond
digamma divideontimes Doteq doteqdot dotplus doublebarwedge doublecap doublecup downdownarrows
downharpoonleft downharpoonright eqcirc eqref eqsim eqslantgtr eqslantless eth fallingdotseq Finv
frac Game genfrac geqq geqslant ggg gggtr gimel gnapprox gneq gneqq gnsim gtrapprox gtrdot
gtreqless gtreqqless gtrless gtrsim gvertneqq hslash idotsint iiiint impliedby implies injlim
intercal Join leadsto leftarrowtail leftleftarrows leftrightarrows leftrightharpoons
leftrightsquigarrow leftthreetimes leqq leqslant lessapprox lessdot lesseqgtr lesseqqgtr lessgtr
lesssim lhd llcorner Lleftarrow lll llless lnapprox lneq lneqq lnsim looparrowleft looparrowright
lozenge lrcorner Lsh ltimes lvert lVert lvertneqq maltese mathring measuredangle mho multimap
ncong negmedspace negthickspace nexists ngeq ngeqq ngeqslant ngtr nleftarrow nLeftarrow
nleftrightarrow nLeftrightarrow nleq nleqq nleqslant nless nmid nobreakspace notag nparallel
nprec npreceq nrightarrow nRightarrow nshortmid nshortparallel nsim nsubseteq nsubseteqq nsucc
nsucceq nsupseteq nsupseteqq ntriangleleft ntrianglelefteq ntriangleright ntrianglerighteq nvdash
nvDash nVdash nVDash operatorname pitchfork precapprox preccurlyeq precnapprox precneqq precnsim
precsim projlim restriction rhd rightarrowtail rightleftarrows rightleftharpoons
rightrightarrows rightsquigarrow rightthreetimes risingdotseq Rrightarrow Rsh rtimes rvert rVert
shortmid shortparallel shoveleft shoveright sideset SkipLimits smallfrown smallsetminus
smallsmile sphericalangle sqsubset sqsupset square Subset subseteqq subsetneq subsetneqq substack
succapprox succcurlyeq succnapprox succneqq succnsim succsim Supset supseteqq supsetneq
supsetneqq tag tbinom tfrac therefore thickapprox thicksim triangledown trianglelefteq triangleq
trianglerighteq twoheadleftarrow twoheadrightarrow ulcorner unlhd unrhd upharpoonleft
upharpoonright upuparrows urcorner varDelta varGamma varinjlim varkappa varLambda varliminf
varlimsup varnothing varOmega varPhi varPi varprojlim varpropto varPsi varsigma varSigma
varsubsetneq varsubsetneqq varsupsetneq varsupsetneqq varTheta vartriangle vartriangleleft
vartriangleright varUpsilon varXi vDash Vdash veebar Vvdash xleftarrow xrightarrow yen
"""

ENVIRONMENTS = """
align align* alignat alignat* aligned alignedat array bmatrix Bmatrix cases eqnarray eqnarray*
equation equation* flalign flalign* gather gather* gathered matrix multline multline* pmatrix
smallmatrix split subarray vmatrix Vmatrix xalignat xalignat* xxalignat
"""

# Commands that only make sense in context: the sample that uses them.
IN_CONTEXT = {
    "left": r"\left( x \right)", "right": r"\left( x \right)", "middle": r"\left( x \middle| y \right)",
    "big": r"\big(", "Big": r"\Big(", "bigg": r"\bigg(", "Bigg": r"\Bigg(",
    "bigl": r"\bigl(", "Bigl": r"\Bigl(", "biggl": r"\biggl(", "Biggl": r"\Biggl(",
    "bigr": r"\bigr)", "Bigr": r"\Bigr)", "biggr": r"\biggr)", "Biggr": r"\Biggr)",
    "bigm": r"\bigm|", "Bigm": r"\Bigm|", "biggm": r"\biggm|", "Biggm": r"\Biggm|",
    "limits": r"\sum\limits_{i} x", "nolimits": r"\sum\nolimits_{i} x",
    "over": r"{a \over b}", "atop": r"{a \atop b}", "choose": r"{n \choose k}",
    "brace": r"{n \brace k}", "brack": r"{n \brack k}", "above": r"{a \above 1pt b}",
    "abovewithdelims": r"{a \abovewithdelims() 1pt b}", "atopwithdelims": r"{a \atopwithdelims() b}",
    "overwithdelims": r"{a \overwithdelims() b}", "begin": r"\begin{matrix} a \end{matrix}",
    "hline": r"\begin{array}{c} a \\ \hline b \end{array}",
    "hdashline": r"\begin{array}{c} a \\ \hdashline b \end{array}",
    "cr": r"\begin{matrix} a \cr b \end{matrix}", "newline": r"\begin{matrix} a \newline b \end{matrix}",
    "label": r"\begin{equation} x \label{e} \end{equation}",
    "tag": r"\begin{equation} x \tag{A} \end{equation}",
    "nonumber": r"\begin{align} x \nonumber \end{align}", "notag": r"\begin{align} x \notag \end{align}",
    "ref": r"\begin{equation} x \label{e} \end{equation} \ref{e}", "eqref": r"\eqref{e}",
    "hskip": r"a \hskip 1em b", "kern": r"a \kern 1em b", "mkern": r"a \mkern 3mu b",
    "mskip": r"a \mskip 3mu b", "hspace": r"a \hspace{1em} b", "mspace": r"a \mspace{3mu} b",
    "rule": r"\rule{1em}{1em}", "Rule": r"\Rule{1em}{1em}{0em}", "raise": r"\raise 1em {x}",
    "lower": r"\lower 1em {x}", "moveleft": r"\moveleft 1em {x}", "moveright": r"\moveright 1em {x}",
    "not": r"\not=", "skew": r"\skew{3}{\hat}{A}", "genfrac": r"\genfrac(){0pt}{0}{a}{b}",
    "sideset": r"\sideset{_a}{_b}\sum", "shoveleft": r"\begin{multline} a \\ \shoveleft{b} \\ c \end{multline}",
    "shoveright": r"\begin{multline} a \\ \shoveright{b} \\ c \end{multline}",
    "DeclareMathOperator": r"\DeclareMathOperator{\Tr}{Tr} \Tr x", "mathchoice": r"\mathchoice{a}{b}{c}{d}",
    "buildrel": r"\buildrel a \over b", "root": r"\root 3 \of x", "leftroot": r"\sqrt[\leftroot{2}3]{x}",
    "uproot": r"\sqrt[\uproot{2}3]{x}", "cases": r"\cases{a & b \cr c & d}",
    "matrix": r"\matrix{a & b \cr c & d}", "pmatrix": r"\pmatrix{a & b \cr c & d}",
    "array": r"\array{a & b \cr c & d}", "eqalign": r"\eqalign{a & b \cr c & d}",
    "eqalignno": r"\eqalignno{a & b \cr}", "leqalignno": r"\leqalignno{a & b \cr}",
    "displaylines": r"\displaylines{a \cr b}", "substack": r"\sum_{\substack{i \\ j}} x",
    "mmlToken": r"\mmlToken{mi}{x}", "notChar": r"\notChar =", "SkipLimits": r"\SkipLimits",
    "operatorname": r"\operatorname{rank} A", "overunderset": r"\overunderset{a}{b}{c}",
    "\\{": r"\{ x \}", "\\}": r"\{ x \}",
}
ARRAY_SPEC = {"array": "{cc}", "alignat": "{2}", "alignat*": "{2}", "alignedat": "{2}",
              "subarray": "{c}", "xalignat": "{2}", "xalignat*": "{2}", "xxalignat": "{2}"}


def samples(name: str) -> list[str]:
    if name in IN_CONTEXT:
        return [IN_CONTEXT[name]]
    command = name if name.startswith("\\") else "\\" + name
    return [command, command + "{x}", command + "{x}{y}", command + "{x}{y}{z}",
            command + " x"]


ONE_COLUMN = {"equation": "a = b", "equation*": "a = b", "gather": r"a \\ b", "gather*": r"a \\ b",
              "gathered": r"a \\ b", "multline": r"a \\ b", "multline*": r"a \\ b"}


def environment_sample(name: str) -> str:
    spec = ARRAY_SPEC.get(name, "")
    body = ONE_COLUMN.get(name, r"a & b \\ c & d")
    return rf"\begin{{{name}}}{spec} {body} \end{{{name}}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compat", action="store_true", help="through margin's compatibility set")
    args = parser.parse_args()
    if args.compat:
        from margin.markdown.math import MathSettings, render_all
        settings = MathSettings()

        def works(tex: str) -> bool:
            return not render_all([(tex, True)], settings)[0].error
    else:
        import math_core
        engine = math_core.LatexToMathML(fancy_error=False)

        def works(tex: str) -> bool:
            try:
                engine.convert_with_local_state(tex, displaystyle=True)
                return True
            except Exception:
                return False

    commands = dict.fromkeys(BASE.split() + AMS.split())
    failed = [name for name in commands if not any(works(tex) for tex in samples(name))]
    environments = ENVIRONMENTS.split()
    failed_envs = [name for name in environments if not works(environment_sample(name))]
    print(f"commands: {len(commands)}, failing: {len(failed)}")
    print(" ".join(failed))
    print(f"environments: {len(environments)}, failing: {len(failed_envs)}")
    print(" ".join(failed_envs))


if __name__ == "__main__":
    main()
