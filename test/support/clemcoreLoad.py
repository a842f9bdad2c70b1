# Reads registry files as clemcore's `clem run` reads the working directory's model_registry.json: open(path,
# encoding='utf-8') and json.load, with the same Python frames on the stack, since json's nesting limit depends on
# them (Python 3.10 and 3.11 count each nested array or object against the recursion limit the frames use too).
# Usage: python3 clemcoreLoad.py VERSION < paths.json  ->  [{"accepted": bool, "error": "Type: message"}, ...]
#
# The chains, from clemcore's sources (clp-research/clemcore):
# - 3.7 (ef82bb43, 3.7.2): the `clem` console script's <module> -> cli.main -> cli.cli -> cli.run -> wrapper (the
#   @temporary_loglevel decorator of backends.load_models) -> load_models -> ModelRegistry.from_packaged_and_cwd_files
#   -> from_directory -> from_json_file -> json.load
# - 3.3 (8bd08307, 3.3.4): <module> -> main -> cli -> run -> wrapper -> load_models -> from_packaged_and_cwd_files
#   -> json.load
# Each frame below stands for one of those functions and does nothing else; from_packaged_and_cwd_files catches every
# Exception, as clemcore's does (it then ignores the file).
import json
import sys

sys.setrecursionlimit(1000)  # the default, said out loud

# Python frames on the stack where json.load is called (<module> included), per chain: checked on every call.
FRAMES_AT_LOAD = {'3.7': 9, '3.3': 7}
depths = set()


def note_depth():
    """Records how many frames the caller has on the stack, itself included."""
    f, n = sys._getframe(1), 0
    while f is not None:
        n, f = n + 1, f.f_back
    depths.add(n)


def frame(name, inner):
    """One Python frame named `name` that calls `inner`."""
    def f(path):
        return inner(path)
    f.__name__ = f.__qualname__ = name
    return f


def catching(name, inner=None):
    """from_packaged_and_cwd_files: returns the exception it caught (clemcore logs it and drops the file); without
    `inner`, it calls json.load itself."""
    def f(path):
        try:
            if inner is None:
                note_depth()
                with open(path, encoding='utf-8') as fp:
                    json.load(fp)
            else:
                inner(path)
            return None
        except Exception as e:
            return e
    f.__name__ = f.__qualname__ = name
    return f


def loading(name):
    """A frame that calls json.load itself."""
    def f(path):
        note_depth()
        with open(path, encoding='utf-8') as fp:
            json.load(fp)
    f.__name__ = f.__qualname__ = name
    return f


def chain(outer, innermost):
    call = innermost
    for name in reversed(outer):
        call = frame(name, call)
    return call


ABOVE = ['cli', 'run', 'wrapper', 'load_models']
CHAINS = {
    '3.7': chain(ABOVE, catching('from_packaged_and_cwd_files', frame('from_directory', loading('from_json_file')))),
    '3.3': chain(ABOVE, catching('from_packaged_and_cwd_files')),
}


def main(version, paths):
    cli = CHAINS[version]
    out = []
    for path in paths:
        error = cli(path)
        out.append({'accepted': error is None, 'error': None if error is None else f'{type(error).__name__}: {str(error)[:300]}'})
    assert depths <= {FRAMES_AT_LOAD[version]}, f'json.load called {depths} frames deep, not {FRAMES_AT_LOAD[version]}'
    return out


if __name__ == '__main__':
    results = main(sys.argv[1], json.load(sys.stdin))
    json.dump(results, sys.stdout)
