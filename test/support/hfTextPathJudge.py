# The judge of Test model entry's huggingface_local post-processing: what clemcore 3.3 and 3.7 do to one decoded
# sequence (split_and_clean_batch_outputs, then split_and_clean_cot_output with cot_output; the two versions agree
# here), written from the runtime specification (§2.1 "Exact order of text processing"), run by CPython so that
# str.replace, strip, rsplit, re.sub and re.split are Python's own.
#
# Input (stdin, JSON): a list of {"raw", "prompt", "config", "pad_token", "max_tokens", "bos"}. Output (stdout,
# JSON): per case the text after each step: stripped, split (only with output_split_prefix), unpadded, culled, and
# with cot_output cot and answer; or {"error": "<exception name>"}.
#
# The CoT answer is re-tokenized by a stand-in tokenizer: one token per character, with "bos" (a text, or null)
# added in front on encode. That is how the scripted test GGUFs' vocabulary (byte tokens, no merges) tokenizes
# plain ASCII text, so the cut to max_tokens falls where the real tokenizer's does.
import json
import re
import sys


class CharTokenizer:
    BOS = object()

    def __init__(self, pad_token, bos):
        self.pad_token = pad_token
        self.bos = bos

    def encode(self, text):
        return ([self.BOS] if self.bos is not None else []) + list(text)

    def decode(self, ids):
        return "".join(self.bos if i is self.BOS else i for i in ids)


def replay(case):
    config = case["config"]
    tokenizer = CharTokenizer(case["pad_token"], case["bos"])
    out = {}
    text = case["raw"].replace(case["prompt"], "").strip()
    out["stripped"] = text
    if "output_split_prefix" in config:
        prefix = config["output_split_prefix"]
        if prefix in text:
            text = text.rsplit(prefix, 1)[1]
        out["split"] = text
    pad = tokenizer.pad_token
    if text.startswith(pad) or text.endswith(pad):
        text = text.replace(pad, "")
    out["unpadded"] = text
    text = re.sub(config["eos_to_cull"], "", text)
    out["culled"] = text
    if "cot_output" in config and config["cot_output"]:
        start = config.get("cot_start_tag")
        if start:
            text = text.replace(start, "")
        pieces = re.split(config["cot_end_tag"], text)
        answer = pieces[-1] if len(pieces) > 1 else ""
        ids = tokenizer.encode(answer)
        if len(ids) > case["max_tokens"]:
            ids = ids[: case["max_tokens"]]
        out["cot"] = pieces[0]
        out["answer"] = tokenizer.decode(ids).strip()
    return out


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(replay(case))
        except Exception as e:  # what clemcore would raise
            results.append({"error": type(e).__name__})
    json.dump(results, sys.stdout)


main()
