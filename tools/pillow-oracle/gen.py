#!/usr/bin/python3
"""Writes engine/data/testdata/autoaugment_pillow.json.gz: what Pillow makes of
every AutoAugment operation at every level and sign, on small generated
images, as the independent reference of engine/data's AutoAugment test.

The operations are written as AutoAugment's CIFAR-10 policy applies them
(DeepVoltaire/AutoAugment, used by sharpDARTS): PIL ImageOps and ImageEnhance,
affine transforms with fill colour 128, rotation composited over grey.
Needs Debian's python3-pil and python3-numpy:

    apt-get install python3-pil python3-numpy
    /usr/bin/python3 tools/pillow-oracle/gen.py
"""
import gzip
import json
import os

import numpy as np
import PIL
from PIL import Image, ImageEnhance, ImageOps

rng = np.random.RandomState(7)


def images():
    out = []
    for k, (h, w) in enumerate([(7, 9), (8, 8)]):
        for mode in ("RGB", "L"):
            c = 3 if mode == "RGB" else 1
            if k == 0:
                a = rng.randint(0, 256, size=(h, w, c))
            else:  # a narrow range, so autocontrast and equalize have work
                lo = rng.randint(0, 120)
                a = lo + rng.randint(0, 60, size=(h, w, c))
            a = a.astype(np.uint8)
            out.append(Image.fromarray(a[:, :, 0] if c == 1 else a, mode))
    return out


ranges = {
    "shearX": np.linspace(0, 0.3, 10), "shearY": np.linspace(0, 0.3, 10),
    "translateX": np.linspace(0, 150 / 331, 10), "translateY": np.linspace(0, 150 / 331, 10),
    "rotate": np.linspace(0, 30, 10), "color": np.linspace(0.0, 0.9, 10),
    "posterize": np.round(np.linspace(8, 4, 10), 0).astype(int),
    "solarize": np.linspace(256, 0, 10), "contrast": np.linspace(0.0, 0.9, 10),
    "sharpness": np.linspace(0.0, 0.9, 10), "brightness": np.linspace(0.0, 0.9, 10),
    "autocontrast": [0] * 10, "equalize": [0] * 10, "invert": [0] * 10}


def grey(img):
    return (128, 128, 128) if img.mode == "RGB" else 128


def rotate(img, deg):
    rot = img.convert("RGBA").rotate(deg)
    return Image.composite(rot, Image.new("RGBA", rot.size, (128,) * 4), rot).convert(img.mode)


ops = {
    "shearX": lambda img, m, s: img.transform(img.size, Image.AFFINE, (1, m * s, 0, 0, 1, 0), Image.BICUBIC, fillcolor=grey(img)),
    "shearY": lambda img, m, s: img.transform(img.size, Image.AFFINE, (1, 0, 0, m * s, 1, 0), Image.BICUBIC, fillcolor=grey(img)),
    "translateX": lambda img, m, s: img.transform(img.size, Image.AFFINE, (1, 0, m * img.size[0] * s, 0, 1, 0), fillcolor=grey(img)),
    "translateY": lambda img, m, s: img.transform(img.size, Image.AFFINE, (1, 0, 0, 0, 1, m * img.size[1] * s), fillcolor=grey(img)),
    "rotate": lambda img, m, s: rotate(img, m),
    "color": lambda img, m, s: ImageEnhance.Color(img).enhance(1 + m * s),
    "posterize": lambda img, m, s: ImageOps.posterize(img, int(m)),
    "solarize": lambda img, m, s: ImageOps.solarize(img, m),
    "contrast": lambda img, m, s: ImageEnhance.Contrast(img).enhance(1 + m * s),
    "sharpness": lambda img, m, s: ImageEnhance.Sharpness(img).enhance(1 + m * s),
    "brightness": lambda img, m, s: ImageEnhance.Brightness(img).enhance(1 + m * s),
    "autocontrast": lambda img, m, s: ImageOps.autocontrast(img),
    "equalize": lambda img, m, s: ImageOps.equalize(img),
    "invert": lambda img, m, s: ImageOps.invert(img)}


def chw(im):
    a = np.asarray(im)
    a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
    return a.reshape(-1).tolist()


def main():
    imgs = images()
    cases = []
    for i, im in enumerate(imgs):
        for op, f in ops.items():
            for level in range(10):
                for s in (1, -1):
                    m = ranges[op][level]
                    cases.append({"img": i, "op": op, "level": level, "sign": s, "mag": float(m), "out": chw(f(im, m, s))})
        # Off-policy magnitudes: quarter turns, large shears, sub-pixel shifts.
        for deg in (90, 180, 270, 45, -17.5, 359.9):
            cases.append({"img": i, "op": "rotate", "level": -1, "sign": 1, "mag": deg, "out": chw(rotate(im, deg))})
        for m in (2.0, -1.3, 0.77):
            for op in ("shearX", "shearY"):
                cases.append({"img": i, "op": op, "level": -1, "sign": 1, "mag": m, "out": chw(ops[op](im, m, 1))})
        for t in (3.0, -2.0, 0.5, -0.5, 7.99):
            m = t / im.size[0]
            cases.append({"img": i, "op": "translateX", "level": -1, "sign": 1, "mag": m, "out": chw(ops["translateX"](im, m, 1))})
    doc = {"pillow": PIL.__version__,
           "images": [{"c": 3 if im.mode == "RGB" else 1, "h": im.size[1], "w": im.size[0], "pix": chw(im)} for im in imgs],
           "cases": cases}
    out = os.path.join(os.path.dirname(__file__), "..", "..", "engine", "data", "testdata", "autoaugment_pillow.json.gz")
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(json.dumps(doc, separators=(",", ":")).encode())
    print(len(cases), "cases ->", os.path.normpath(out))


main()
