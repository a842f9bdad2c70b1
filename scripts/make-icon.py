#!/usr/bin/env python3
"""Draws images/icon.png (128x128): a registry list with a check mark. Standard library only (zlib, struct)."""
import math
import struct
import sys
import zlib
from pathlib import Path

SIZE = 128
SS = 4  # supersampling per axis

BG = (23, 76, 104)
LINE = (233, 240, 244)
CHECK = (88, 214, 141)


def rounded_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def near_segment(x, y, ax, ay, bx, by, w):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= w * w


def shade(x, y):
    """Colour and coverage of one sample at (x, y) in icon pixels."""
    colour = None
    if rounded_rect(x, y, 4, 4, 124, 124, 22):
        colour = BG
        # Three entries: a bullet and a bar each.
        for i, length in enumerate((62, 54, 26)):
            top = 30 + i * 24
            if rounded_rect(x, y, 22, top, 32, top + 10, 3):
                colour = LINE
            if rounded_rect(x, y, 40, top, 40 + length, top + 10, 5):
                colour = LINE
        if near_segment(x, y, 70, 92, 84, 106, 6) or near_segment(x, y, 84, 106, 110, 74, 6):
            colour = CHECK
    return colour


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])
        for px in range(SIZE):
            acc = [0, 0, 0]
            hits = 0
            for sy in range(SS):
                for sx in range(SS):
                    c = shade(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c:
                        hits += 1
                        for k in range(3):
                            acc[k] += c[k]
            if hits:
                row += bytes([round(acc[0] / hits), round(acc[1] / hits), round(acc[2] / hits), round(255 * hits / SS / SS)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    return b''.join(rows)


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / 'images' / 'icon.png')
    png = b'\x89PNG\r\n\x1a\n'
    png += chunk(b'IHDR', struct.pack('>IIBBBBB', SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(render(), 9))
    png += chunk(b'IEND', b'')
    out.write_bytes(png)
    print(f'{out}: {len(png)} bytes')


if __name__ == '__main__':
    main()
