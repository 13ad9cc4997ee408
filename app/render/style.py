"""How the diagram looks: palette, box sizes, text budgets, fonts.

Colours are the Okabe–Ito palette (readable with colour-blindness and in
greyscale print); every colour is paired with a letter or a word, never used
alone. Sizes are in points; every stack box has the one WIDTH.
"""

ORANGE, GREEN, BLUE, VERMILLION, PURPLE = "#E69F00", "#009E73", "#0072B2", "#D55E00", "#CC79A7"
GREY_TEXT = "#555555"
TOUCHED_BG = "#FFF1C9"   # this step's lines: also bold, never colour alone
LETTER_COLOUR = {"A": GREEN, "C": VERMILLION, "D": PURPLE}

WIDTH = 360          # points: every stack box
NODESEP_OP = 1.6     # inches between columns when an op box and its edge labels need room
NODESEP = 0.5        # inches between columns otherwise
INSTRUCTION_CHARS = 40
MAX_DIFF_LINES = 9
DIFF_UNITS = 62      # a docker-diff line's budget, in 10 pt characters
MAX_COPY_LINES = 4   # "copied up from here" lines in one read-only layer
MAX_OP_CHARS = 42
FONT = "Noto Sans CJK SC"
MONO = "DejaVu Sans Mono"
