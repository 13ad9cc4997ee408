"""locale-gen, localedef and locale -a: the compiled archive lands in the layer at its measured size."""

from __future__ import annotations

from app.catalog.locales import ARCHIVE, FIRST_LOCALE, NEXT_LOCALE

from catalog_helpers import Step


def installed_locales() -> Step:
    step = Step("debian:bookworm-slim")
    step.run("apt-get", "update")
    rc, ctx = step.run("apt-get", "install", "-y", "--no-install-recommends", "locales")
    assert rc == 0, ctx.errors
    return step


def test_locale_gen_is_not_found_before_the_locales_package():
    rc, ctx = Step("debian:bookworm").run("locale-gen")
    assert rc == 127 and "locale-gen: not found" in ctx.errors


def test_locale_gen_compiles_what_locale_gen_lists_as_postgres_checks_it():
    step = installed_locales()
    assert step.run("locale", "-a")[1].output == "C\nC.utf8\nPOSIX\n"
    step.fs.write("/etc/locale.gen", b"en_US.UTF-8 UTF-8\n", append=True)
    rc, ctx = step.run("locale-gen")
    assert rc == 0 and "en_US.UTF-8... done" in ctx.output
    assert step.fs.stat(ARCHIVE)[0].size == FIRST_LOCALE == 3_048_928  # measured on bookworm
    assert "en_US.utf8" in step.run("locale", "-a")[1].output.split()


def test_localedef_adds_to_the_archive():
    step = installed_locales()
    step.run("localedef", "-i", "en_US", "-c", "-f", "UTF-8", "-A", "/usr/share/locale/locale.alias",
             "en_US.UTF-8")
    step.run("localedef", "-i", "de_DE", "-f", "UTF-8", "de_DE.UTF-8")
    assert step.run("locale", "-a")[1].output.split() == ["C", "C.utf8", "POSIX", "de_DE.utf8", "en_US.utf8"]
    assert step.fs.stat(ARCHIVE)[0].size == FIRST_LOCALE + NEXT_LOCALE
