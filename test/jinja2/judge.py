# Renders chat templates with Python's Jinja2 in the environments clemcore's runtimes build, as the judge of the
# TypeScript renderer and of the whitespace check. Reads a JSON list of cases on stdin, writes a list of outcomes.
# llama-cpp-python is its current release (>= 0.3.24: loopcontrols, a pass-through {% generation %} tag,
# transformers' tojson; raise_exception and strftime_now passed to render()). 'wrong' is transformers' environment
# with trim_blocks and lstrip_blocks off: a control the comparison must notice. A case may ask for
# keep_trailing_newline, which every runtime leaves off, to see what a template's last line break would render.
import sys, json, datetime, warnings
import jinja2, jinja2.ext, jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError
warnings.simplefilter('ignore')

NOW = [None]

def strftime_now(format):
    return NOW[0].strftime(format)

class LlamaRaised(ValueError):
    pass

class TransformersRaised(TemplateError):
    pass

def raise_llama(message):
    raise LlamaRaised(message)

def raise_transformers(message):
    raise TransformersRaised(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

class Generation(jinja2.ext.Extension):
    tags = {'generation'}
    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(['name:endgeneration'], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method('_support'), [], [], body).set_lineno(lineno)
    def _support(self, caller):
        return caller()

def sandboxed(trim, keep):
    env = ImmutableSandboxedEnvironment(loader=jinja2.BaseLoader(), trim_blocks=trim, lstrip_blocks=trim,
                                        keep_trailing_newline=keep, extensions=[jinja2.ext.loopcontrols, Generation])
    env.filters['tojson'] = tojson
    return env

ENVS = {}
for keep in (False, True):
    ENVS['llama-cpp-python', keep] = sandboxed(True, keep)
    ENVS['transformers', keep] = sandboxed(True, keep)
    ENVS['wrong', keep] = sandboxed(False, keep)
    for name in ('transformers', 'wrong'):
        ENVS[name, keep].globals.update(raise_exception=raise_transformers, strftime_now=strftime_now)

def run(case):
    kind = case['env']
    keep = bool(case.get('keepTrailingNewline'))
    NOW[0] = datetime.datetime.fromtimestamp(case['now'])
    try:
        template = (jinja2.Template(case['template'], keep_trailing_newline=keep) if kind == 'jinja2-plain'
                    else ENVS[kind, keep].from_string(case['template']))
    except Exception as e:
        line = e.lineno if isinstance(e, jinja2.TemplateSyntaxError) else None  # a SyntaxError's is in generated code
        return {'ok': False, 'stage': 'parse', 'message': '%s: %s' % (type(e).__name__, e), 'line': line}
    variables = dict(case['variables'])
    if kind == 'llama-cpp-python':
        variables.update(raise_exception=raise_llama, strftime_now=strftime_now)
    try:
        return {'ok': True, 'prompt': template.render(**variables)}
    except (LlamaRaised, TransformersRaised) as e:
        return {'ok': False, 'stage': 'render', 'raised': True, 'message': str(e)}
    except Exception as e:
        return {'ok': False, 'stage': 'render', 'message': '%s: %s' % (type(e).__name__, e)}

json.dump([run(c) for c in json.load(sys.stdin)], sys.stdout)
