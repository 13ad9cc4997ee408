"""The boxes of the diagram as Graphviz HTML tables: layer rows and container layers.

A layer row is its ``docker history`` line (#n, instruction, size), a short
summary of what it holds, and this step's lines in it (the search passing or
stopping, the file found or copied up from here, what is now hidden). A
container layer, and the layer a build step just made, list their entries as
``docker diff`` does. Text is fitted before Graphviz sees it (fitting.py), so
every box keeps its width.
"""

from __future__ import annotations

import html

from app.engine import Container, Image

from .diff import OPAQUE_MARKER, DiffLine, whiteout_name
from .drawn import Drawn, drawn_lines
from .fitting import clip, clip_middle, clip_path, count_items, fit, font, instruction, path_items, shorten_digests, text_units
from .labels import esc
from .sizes import human_size
from .stack import Row
from .tooltips import plain
from .style import (
    BLUE, DIFF_UNITS, GREEN, GREY_TEXT, INSTRUCTION_CHARS, LETTER_COLOUR, MAX_COPY_LINES,
    ORANGE, PURPLE, TOUCHED_BG, VERMILLION, WIDTH,
)


class Tables:
    """Mixed into the DOT writer: needs its ``scene``, ``story``, ``target``,
    ``stack``, ``t()`` and ``number_of()``."""

    def container_rows(self, c: Container) -> list[str]:
        """The writable layer's lines: this step's search, then docker diff."""
        is_target = self.target.container is c
        traces = self.scene.traces if is_target else []
        drawn = drawn_lines(c.upper, c.image.layers, traces)
        rows = []
        if is_target and self.target.upper_index in self.story.markers:
            rows.append(self.marker_row(self.target.upper_index, 1))
        rows += self.diff_rows(drawn, c.image)
        if not drawn.total:
            rows.append(self.cell(font(self.t("container_empty"))))
        return rows

    @staticmethod
    def container_table(rows: list[str]) -> str:
        return (f'<TABLE BORDER="1" COLOR="#FBE3D6" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" WIDTH="{WIDTH}" '
                f'BGCOLOR="#FBE3D6">{"".join(rows)}</TABLE>')

    def diff_rows(self, drawn: Drawn, image: Image, colspan: int = 1) -> list[str]:
        """docker-diff lines as drawn.py picked them: the lines shown (sorted by path),
        the directories that are only parents of what changed folded into one line
        per letter, and how many lines were left out."""
        shown = drawn.shown
        # ports for the story edges: the copy-up lands on the file copied up,
        # the write on the first line this step touched (one port per cell)
        copied = next((ln for ln in shown if ln.touched and ln.how == "copied"), None)
        touched = next((ln for ln in shown if ln.touched and ln is not copied), None)
        ports = {id(copied): "copied", id(touched): "touched"}
        rows = [self.diff_row(ln, image, colspan, ports.get(id(ln), "")) for ln in shown]
        for letter in ("C", "A"):
            if letter in drawn.parents:
                count, first = drawn.parents[letter]
                key = "parents_copied" if letter == "C" else "parents_new"
                rows.append(self.cell(f"{self.letter(letter)}  {fit([p + '/' for p in first], 24)}  "
                                      f"{font(self.t(key, n=count), GREY_TEXT, 10)}", colspan))
        if drawn.hidden:
            rows.append(self.cell(font(self.t("more", n=f"{drawn.hidden:,}")), colspan))
        return rows

    @staticmethod
    def letter(value: str) -> str:
        return f'<FONT COLOR="{LETTER_COLOUR[value]}"><B>{value}</B></FONT>'

    @staticmethod
    def cell(body: str, colspan: int = 1, bg: str = "", port: str = "") -> str:
        span = f' COLSPAN="{colspan}"' if colspan > 1 else ""
        colour = f' BGCOLOR="{bg}"' if bg else ""
        port_attr = f' PORT="{port}"' if port else ""
        return f'<TR><TD ALIGN="LEFT" WIDTH="{WIDTH - 10}"{span}{colour}{port_attr}>{body}</TD></TR>'

    def diff_row(self, ln: DiffLine, image: Image, colspan: int = 1, port: str = "") -> str:
        """One ``docker diff`` line: letter, path, and how overlayfs stored it.

        The explanation is written first; the path gets the room left in
        the line (clipped from the left, the file name stays)."""
        letter = self.letter(ln.letter)
        if ln.how == "whiteout":
            how = self.t("diff_whiteout", wh=clip(whiteout_name(ln.path), 22))
        elif ln.how == "opaque":
            how = self.t("diff_opaque", wh=OPAQUE_MARKER)
        elif ln.how == "copied" and ln.kind == "dir":
            how = self.t("diff_copied_dir")
        elif ln.how == "copied":
            k = self.number_of(image, ln.from_layer) if ln.from_layer is not None else "?"
            how = self.t("diff_copied", k=k, size=human_size(ln.size))
        elif ln.how == "hides":
            k = self.number_of(image, ln.from_layer) if ln.from_layer is not None else "?"
            how = self.t("diff_hides", k=k, size=human_size(ln.size))
        elif ln.kind == "dir":
            how = self.t("diff_new_dir")
        else:
            how = esc(human_size(ln.size))
        # the path is bold at 11 pt, the explanation 10 pt: ~1.25 units a character
        room = max(14, int((DIFF_UNITS - text_units(html.unescape(how))) / 1.25))
        path = esc(clip_path(ln.path + ("/" if ln.kind == "dir" else ""), room))
        path_html = f"<B>{path}</B>" if ln.touched else path
        return self.cell(f"{letter}  {path_html}  {font(how, GREY_TEXT, 10)}", colspan,
                         TOUCHED_BG if ln.touched else "", port)

    def marker_row(self, layer: int, colspan: int = 2) -> str:
        """Step 1 inside a layer: what the top-down search saw here.

        The topmost layer searched carries "1 search", so the numbering of
        the story starts where the student's eye does."""
        result = self.story.markers[layer]
        colour = {"found": GREEN, "whiteout": PURPLE, "opaque": PURPLE}.get(result, GREY_TEXT)
        path = esc(clip_path(self.story.probe_path or "", 30))
        body = f"{path} · {self.t('probe_' + result)}"
        if result in ("found", "whiteout", "opaque"):
            body = f"<B>{body}</B>"
        via = ""
        if layer == max(self.story.markers):
            body = f"<B>{self.t('search_step')}</B> " + body
            if self.story.via:
                via = self.cell(font(self.t("via_symlink", path=clip_path(self.story.via, 40)),
                                     GREY_TEXT, 10), colspan)
        return self.cell(font(body, colour, 10), colspan, port="probe") + via

    # -- one layer row --------------------------------------------------------------
    def cache_mark(self, row: Row, is_target_col: bool) -> bool | None:
        """A rebuild's mark on this row: True CACHED, False built again, None none."""
        cached = self.scene.cached
        if cached is None or not is_target_col or self.target.container is not None or row.number >= len(cached):
            return None
        return cached[row.number]

    def row_table(self, row: Row, column: int) -> str:
        img = row.image
        is_target_col = self.target.found and column == self.target.column_index
        new = (self.scene.new_layer and is_target_col and row.layer is not None
               and self.target.container is None and row.layer == len(img.layers) - 1)
        # FROM: the base image's layer is reused as stored, not built here
        reused = new and row.from_base
        new = new and not reused
        this_step = (is_target_col and self.target.container is None
                     and row is self.this_step_row(column))
        number = f"<B>#{row.number}</B>"
        created_by = instruction(row.created_by)
        if this_step and self.from_stage is not None:
            # docker history drops --from=…; this step says where the files came from
            created_by = " ".join(self.scene.command.split())
        instr = esc(clip_middle(shorten_digests(created_by), INSTRUCTION_CHARS))
        if row.is_metadata:
            size = self.t("metadata")
            border, bg, style = "#9ABFE0", "#FFFFFF", ' STYLE="dashed"'
        else:
            layer = img.layers[row.layer]
            size = esc(human_size(layer.size))
            border, bg, style = "#9ABFE0", ("#D6E6F5" if row.from_base else "#EAF2FA"), ""
        penwidth = 1
        details: list[str] = []
        if this_step:
            border, penwidth = ORANGE, 2
            if reused:
                border = BLUE
                details.append(font(f"<B>{self.t('reused_layer')}</B> · {self.t('reused_why')}", BLUE, 10))
            else:
                tag = self.t("new_layer") if new else self.t("this_step")
                details.append(font(f"<B>{tag}</B>", "#B07800", 10))
            if row.is_metadata:
                details.append(font(self.t("metadata_only"), GREY_TEXT, 10))
        # the new layer's lines first: their index also counts the layer's entries (fitting.layer_counts)
        drawn = drawn_lines(img.layers[row.layer], img.layers[: row.layer], self.scene.traces) if new else None
        hit = self.cache_mark(row, is_target_col)
        if hit is not None:
            border, penwidth = (BLUE, 2) if hit else (ORANGE, 2)
            details.append(font(f"<B>{self.t('cached' if hit else 'run_again')}</B>", BLUE if hit else "#B07800", 10))
        if not row.is_metadata:
            layer = img.layers[row.layer]
            if row.is_rootfs:
                line = f"<B>{self.t('rootfs')}</B>"
                if img.os_release:
                    line += " · " + esc(clip(img.os_release, 40))
                details.append(font(line, GREY_TEXT, 10))
            items = count_items(layer, self.lang)
            if not new:
                items += path_items(layer)
            details.append(font(fit(items), GREY_TEXT, 10))
        if is_target_col and row.layer is not None:
            if self.story.markers.get(row.layer) == "found":
                border, penwidth = GREEN, 2
            elif self.story.markers.get(row.layer) in ("whiteout", "opaque"):
                border, penwidth = PURPLE, 2
        # Every box is WIDTH wide, border included: a thicker border (this
        # step, found here) eats into the cells, never widens the box.
        inner = WIDTH - 2 * penwidth
        body = [f'<TR><TD ALIGN="LEFT" WIDTH="{inner - 90}">{number} {instr}</TD>'
                f'<TD ALIGN="RIGHT" WIDTH="90">{font(size)}</TD></TR>']
        for d in details:
            body.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2">{d}</TD></TR>')
        if drawn is not None:
            body += self.diff_rows(drawn, img, colspan=2)
        if is_target_col and row.layer is not None:
            body += self.step_rows(row.layer)
        return (f'<TABLE BORDER="{penwidth}" COLOR="{border}"{style} CELLBORDER="0" CELLSPACING="0" '
                f'CELLPADDING="3" WIDTH="{WIDTH}" BGCOLOR="{bg}">{"".join(body)}</TABLE>')

    def row_tip(self, row: Row) -> str:
        """A layer's tooltip: its history number, whole instruction and size."""
        size = plain(self.t("metadata")) if row.is_metadata else human_size(row.image.layers[row.layer].size)
        tip = f"#{row.number} {instruction(row.created_by)} · {size}"
        return tip + (" · " + plain(self.t("rootfs")) if row.is_rootfs else "")

    def upper_name(self) -> str:
        """Who no longer sees a hidden file: the container, or the new layer #n."""
        if self.target.container is not None:
            return self.target.container.name
        return f"#{self.number_of(self.target.image, self.target.upper_index)}"

    def this_step_row(self, column: int) -> Row | None:
        """In a build step, the newest history row of the target image is the step (a rebuild
        marks each row CACHED or built again instead)."""
        if (self.scene.command is None and not self.scene.new_layer) or self.scene.cached is not None:
            return None
        col = self.stack.columns[column]
        if col.rows:
            return col.rows[0]
        return None

    def step_rows(self, layer: int) -> list[str]:
        """This step's lines inside a read-only layer: where the search passed or
        stopped, the file found or copied up from here, what is now hidden."""
        rows = []
        highlights = self.story.highlights.get(layer, [])
        found_here = any(h.kind == "found" for h in highlights)
        if layer in self.story.markers and not found_here:
            rows.append(self.marker_row(layer))
        for kind in ("found", "copy", "hidden_wh", "hidden_opq"):
            group = sorted((h for h in highlights if h.kind == kind), key=lambda h: (-(h.size or 0), h.path))
            # a package install copies up (or a cleanup hides) many files:
            # name a few, count the rest
            shown = group if len(group) <= MAX_COPY_LINES else group[: MAX_COPY_LINES - 1]
            for i, h in enumerate(shown):
                rows.append(self.cell(font(*self.highlight_text(h)), 2, port=kind if i == 0 else ""))
            if len(shown) < len(group):
                colour = VERMILLION if kind == "copy" else PURPLE
                key = "more_copied" if kind == "copy" else "more_hidden"
                rows.append(self.cell(font(self.t(key, n=f"{len(group) - len(shown):,}"), colour, 10), 2))
        return rows

    def highlight_text(self, h) -> tuple[str, str, int]:
        """(text, colour, size) of a path this step concerns in a read-only layer."""
        path = esc(clip_path(h.path, 30))
        if h.kind == "found":
            return f"<B>{self.t('probe_found')}</B> · {path} · {esc(human_size(h.size or 0))}", GREEN, 10
        if h.kind == "copy":
            return f"→ <B>{path}</B> · {self.t('copy_source')}", VERMILLION, 10
        if h.kind == "hidden_wh":
            return f"<S>{path}</S> · {self.t('hidden_by_whiteout', where=self.upper_name())}", PURPLE, 10
        return f"<S>{path}/…</S> · {self.t('hidden_by_opaque', where=self.upper_name())}", PURPLE, 10
