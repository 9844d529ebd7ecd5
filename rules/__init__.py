"""The rules every page asks: who sees what, and how personal data is masked."""

from rules.compiled import built_directory

# rules.masking from its mypyc build, while that is a build of the current source
# (rules/compiled.py): the build's directory is searched first for the package's modules.
_compiled = built_directory()
if _compiled is not None:
    __path__.insert(0, str(_compiled))
