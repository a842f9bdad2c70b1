# clemcore's text paths, written from the spec (../shared/spec/clemcore-runtime.md §2.1 "Exact order of text
# processing" with the CoT split, §2.3 llamacpp, §2.4 vllm), run by CPython as the judge of clemcore/textPath.ts.
# Reads [[kind, raw, prompt, config, pad], ...] as JSON on stdin; writes [{"reply": ...} | {"error": name}, ...].
import json
import re
import sys


def hf(raw, prompt, config, pad):
    text = raw.replace(prompt, '') if prompt else raw
    text = text.strip()
    if 'output_split_prefix' in config:
        p = config['output_split_prefix']
        if p in text:
            text = text.rsplit(p, maxsplit=1)[1]
    if pad is not None and (text.startswith(pad) or text.endswith(pad)):
        text = text.replace(pad, '')
    text = re.sub(config['eos_to_cull'], '', text)
    if config.get('cot_output'):
        if config.get('cot_start_tag'):
            text = text.replace(config['cot_start_tag'], '')
        pieces = re.split(config['cot_end_tag'], text)
        answer = pieces[-1] if len(pieces) >= 2 else ''
        text = answer.strip()
    return text


def vllm(raw, prompt, config, pad):
    text = (raw.replace(prompt, '') if prompt else raw).strip()
    if 'output_split_prefix' in config:
        text = raw.rsplit(config['output_split_prefix'], maxsplit=1)[1]
    return re.sub(config['eos_to_cull'], '', text)


def llamacpp(raw, prompt, config, pad):
    text = raw.strip()
    if 'output_split_prefix' in config:
        text = text.rsplit(config['output_split_prefix'], maxsplit=1)[1]
    return re.sub(config['eos_to_cull'], '', text)


PATHS = {'hf': hf, 'vllm': vllm, 'llamacpp': llamacpp}
out = []
for kind, raw, prompt, config, pad in json.load(sys.stdin):
    try:
        out.append({'reply': PATHS[kind](raw, prompt, config, pad)})
    except Exception as e:
        out.append({'error': type(e).__name__})
json.dump(out, sys.stdout)
