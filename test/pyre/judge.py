# Judge for the pyre differential test: reads {"patterns": [...], "pairs": [[pattern, text], ...]} on stdin, answers as CPython 3.11's re.
import json, re, signal, sys, warnings

warnings.simplefilter('ignore')  # FutureWarning/DeprecationWarning do not change the verdict
sys.setrecursionlimit(1000)


def judge(p):
    try:
        re.compile(p)
        return {'valid': True}
    except re.error as e:
        return {'valid': False, 'exc': 'error', 'msg': e.msg, 'pos': e.pos}
    except (OverflowError, ValueError, RecursionError) as e:
        return {'valid': False, 'exc': type(e).__name__, 'msg': str(e), 'pos': None}


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)


def run(p, text):
    # catastrophic backtracking exists in CPython too: give each pair 0.5 s (sre checks signals while matching)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        r = re.compile(p)
        m = r.search(text)
        return {
            'full': r.fullmatch(text) is not None,
            'search': list(m.span()) if m else None,
            'sub': r.sub('', text),
            'split': r.split(text),
        }
    except Timeout:
        return {'timeout': True}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


data = json.load(sys.stdin)
out = {'patterns': [judge(p) for p in data.get('patterns', [])], 'pairs': [run(p, t) for p, t in data.get('pairs', [])]}
json.dump(out, sys.stdout)
