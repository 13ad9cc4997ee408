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
BAND_MARGIN = 8      # points around the boxes of a band (Graphviz's cluster margin)
BAND_WIDTH = WIDTH + 2 * BAND_MARGIN   # an image band, a container band
BAND_TITLE_UNITS = 54   # characters of an 11 pt band title (CJK count two)
NODESEP = 0.4        # inches between columns (and containers on one image)
NODESEP_ONE = 0.3    # one column: the gap between the stack and its story edges
NODESEP_CONTAINERS = 0.2  # several containers on one image: a point between each two
NODESEP_MIDDLE = 1.4  # edges and their labels run between columns: the target is a middle one
INSTRUCTION_CHARS = 40
MAX_DIFF_LINES = 9
DIFF_UNITS = 62      # a docker-diff line's budget, in 10 pt characters
MAX_COPY_LINES = 4   # "copied up from here" lines in one read-only layer
MAX_OP_CHARS = 48   # monospace 11 pt: the op box stays narrower than a stack box
MAX_NOTE_UNITS = 60  # 10 pt notes under the command
FONT = "Noto Sans CJK SC"
MONO = "DejaVu Sans Mono"
