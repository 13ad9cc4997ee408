"""What the playground's own steps say (docker rm, commit, diff, a refused command), in both languages.

Build, run and exec steps are narrated by the lesson player (app.lessons.narration).
"""

from __future__ import annotations

from app.lessons.model import Text


def for_rm(container: str) -> Text:
    return Text(en=f"`docker rm -f {container}` removes the container and its writable layer with every change "
                   "made in it. The image's layers stay as they were.",
                zh=f"`docker rm -f {container}` 删除容器和它的可写层，容器里做的改动随之消失。镜像的层保持不变。")


def for_commit(container: str, tag: str) -> Text:
    return Text(en=f"`docker commit` copies the writable layer of `{container}` as a new read-only layer on top of "
                   f"its image: the new image `{tag}` is the old layers plus that one.",
                zh=f"`docker commit` 把 `{container}` 的可写层复制为镜像之上的一个新只读层：新镜像 `{tag}` "
                   "就是原来的层再加上这一层。")


def for_diff(container: str) -> Text:
    return Text(en=f"`docker diff {container}` lists what the writable layer holds: A added, C changed, D deleted "
                   "(a whiteout hides the file of a lower layer).",
                zh=f"`docker diff {container}` 列出可写层里的内容：A 新增，C 修改，D 删除（whiteout 遮住下层的文件）。")


def for_refused(line: str) -> Text:
    return Text(en=f"`{line}` did not run: see the message below.", zh=f"`{line}` 没有执行：见下面的消息。")
