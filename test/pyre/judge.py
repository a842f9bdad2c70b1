# Judge for the pyre differential test: reads {"patterns": [...], "pairs": [[pattern, text], ...]} on stdin and
# answers what this interpreter's re does with each, as data:
#   {"python": {"version", "implementation", "executable"}, "patterns": [verdict, ...], "pairs": [result, ...]}
# verdict: {"valid": true} | {"valid": false, "exc", "msg", "pos"} | {"valid": null, "failure", "detail"}
#          (+ "warnings": [[category, message], ...] when compiling warned)
# result:  {"full", "search", "sub", "split"} | {"raised": {"op", "exc", "msg", "pos"}} | {"timeout": op}
#          | {"failure", "detail"}
# Nothing a pattern or text does takes the judge down: every exception is a verdict, sre's own signal checks give a
# soft time limit, and the work runs in a worker process that is restarted past any item that kills it (a crash) or
# stops answering (a hang).
import json, os, platform, re, select, signal, subprocess, sys, tempfile, time, warnings

SOFT_COMPILE_S = 5.0  # re.compile of a generated pattern takes milliseconds
SOFT_PAIR_S = 0.5  # catastrophic backtracking exists in CPython too
HARD_S = float(os.environ.get('CLEM_JUDGE_HARD_S', '30'))  # a worker silent this long is stuck where signals are not checked
MEMORY_BYTES = 4 << 30  # MemoryError rather than the machine's OOM killer
# For the judge's own test: {"pattern": "crash" | "hang"} makes the worker die or stop answering at that pattern, as
# a crashing or looping sre would, so the supervisor's recovery can be checked.
FAULTS = json.loads(os.environ.get('CLEM_JUDGE_FAULTS', '{}'))


def python_info():
    return {
        'version': platform.python_version(),
        'implementation': platform.python_implementation(),
        'executable': sys.executable,
    }


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def raised(e):
    if isinstance(e, re.error):  # re.PatternError from 3.13 on
        return {'exc': 'error', 'msg': e.msg, 'pos': e.pos}
    return {'exc': type(e).__name__, 'msg': str(e), 'pos': None}


def judge(p):
    # The call depth of re.compile matters: CPython's RecursionError on deeply nested groups depends on it and pyre
    # models the depth of this call (the worker's loop, then judge, then re.compile), so keep it at this level.
    signal.setitimer(signal.ITIMER_REAL, SOFT_COMPILE_S)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            re.compile(p)
        verdict = {'valid': True}
    except Timeout:
        verdict = {'valid': None, 'failure': 'timeout', 'detail': f're.compile took over {SOFT_COMPILE_S} s'}
        caught = []
    except BaseException as e:  # noqa: anything the pattern makes re raise is a verdict
        verdict = {'valid': False, **raised(e)}
        caught = []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if caught:
        verdict['warnings'] = [[w.category.__name__, str(w.message)] for w in caught]
    return verdict


def run(p, text):
    op = 'compile'
    signal.setitimer(signal.ITIMER_REAL, SOFT_PAIR_S)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # warnings do not change what matching does
            r = re.compile(p)
        op = 'search'
        m = r.search(text)
        op = 'fullmatch'
        full = r.fullmatch(text) is not None
        op = 'sub'
        subbed = r.sub('', text)
        op = 'split'
        parts = r.split(text)
        return {'full': full, 'search': list(m.span()) if m else None, 'sub': subbed, 'split': parts}
    except Timeout:
        return {'timeout': op}
    except BaseException as e:  # noqa: see judge
        return {'raised': {'op': op, **raised(e)}}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def worker(task_file, start):
    """Answers tasks[start:], one JSON line each, flushed, so the supervisor knows how far it got."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGALRM, on_alarm)
    with open(task_file, encoding='utf8') as f:
        tasks = json.load(f)
    out = sys.stdout
    for i in range(start, len(tasks)):
        task = tasks[i]
        fault = FAULTS.get(task[1]) if task[0] == 'pattern' else None
        if fault == 'crash':
            os.abort()
        if fault == 'hang':
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(3600)
        try:
            line = json.dumps(judge(task[1]) if task[0] == 'pattern' else run(task[1], task[2]))
        except BaseException as e:  # noqa: an answer that cannot be written is still an answer
            line = json.dumps({'valid': None, 'failure': 'unreportable', 'detail': f'{type(e).__name__}: {e}'})
        out.write(line + '\n')
        out.flush()


def supervise(data):
    tasks = [['pattern', p] for p in data.get('patterns', [])] + [['pair', p, t] for p, t in data.get('pairs', [])]
    answers = []
    with tempfile.TemporaryDirectory() as tmp:
        task_file = os.path.join(tmp, 'tasks.json')
        with open(task_file, 'w', encoding='utf8') as f:
            json.dump(tasks, f)
        while len(answers) < len(tasks):
            answers.extend(run_worker(task_file, len(answers), len(tasks)))
    n = len(data.get('patterns', []))
    return {'python': python_info(), 'patterns': answers[:n], 'pairs': answers[n:]}


def run_worker(task_file, start, total):
    """Answers from one worker; when it dies or hangs, the item it was on gets a failure verdict instead."""
    # stderr goes to a file: a worker writing much there must not block on a full pipe
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), '--worker', task_file, str(start)],
        stdout=subprocess.PIPE,
        stderr=err,
    )
    got = []
    buf = b''
    failure = None
    while start + len(got) < total:
        ready, _, _ = select.select([proc.stdout], [], [], HARD_S)
        if not ready:
            proc.kill()
            failure = {'failure': 'hang', 'detail': f'no answer within {HARD_S} s; the worker was killed'}
            break
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b'\n')
        got.extend(json.loads(line) for line in lines)
    code = proc.wait()
    err.seek(0)
    stderr = err.read().decode('utf8', 'replace').strip()
    err.close()
    if start + len(got) < total and failure is None:
        how = f'signal {-code}' if code < 0 else f'exit status {code}'
        failure = {'failure': 'crash', 'detail': f'the worker died ({how}): {stderr[-500:]}'}
    if failure is not None:
        got.append({'valid': None, **failure})
    return got


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == '--worker':
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        json.dump(supervise(json.load(sys.stdin)), sys.stdout)
