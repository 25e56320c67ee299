"""Writes the expected float formatting that PyFormatTest checks against.

Run with CPython 3 (the formatting rules are those of pystatsd 4.x on CPython 3):
    python3 gen_float_vectors.py > ../resources/io/hollerith/client/python-float-format.tsv
Columns: the IEEE 754 bits in hex, repr(x) (what pystatsd's '%s' % x gives), '%0.6f' % x.
"""
import random
import struct

rng = random.Random(20261122)
values = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1.2, -1.2, 1.3, 2.3, 21.5, 0.1, 0.2, 0.3, 0.1 + 0.2, 1e-4, 1e-5,
    9.99e-5, 0.00012, 1e15, 1e16, 1e17, 9999999999999998.0, 123456789012345680.0, 2.0 ** 53,
    2.0 ** 53 + 2, 2.0 ** 63, 2.0 ** 64, 1e22, 1e23, 1e100, 1e300, 1.7976931348623157e308,
    5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1234568901234.0, 1500.0,
    129600000.0, 100.0, 350.0, 0.0078125, 0.0234375, 0.0000005, 0.0000015, 0.0000025,
    2.5e-7, 1.0000005, 999999.9999995, 4.35, 0.001, 0.01, 12.5, 99.95, 3.14159,
    float('inf'), float('-inf'), float('nan'), 2.0 ** -11, 2.0 ** -12, 2.0 ** 52 + 0.5,
    1 / 3, 2 / 3, 1e15 + 0.3, 123456.789, 0.000123456789, 9.5367431640625e-07,
]
for k in range(-30, 31):
    values.append(10.0 ** k)
    values.append(-(10.0 ** k) * 1.5)
for _ in range(1500):  # arbitrary bit patterns over all magnitudes
    bits = rng.getrandbits(64)
    x = struct.unpack('<d', struct.pack('<Q', bits))[0]
    if x == x and abs(x) != float('inf'):
        values.append(x)
for _ in range(1500):  # short decimals of everyday magnitudes
    digits = rng.randint(0, 9)
    values.append(round(rng.uniform(-1e6, 1e6) / 10 ** rng.randint(0, 10), digits))
for _ in range(500):  # timings: uniform over 0..10 s in ms, and binary ties at 6 decimals
    values.append(rng.uniform(0, 10000))
    values.append(rng.randint(0, 2 ** 20) / 2.0 ** rng.randint(7, 26))

for x in values:
    bits = struct.unpack('<Q', struct.pack('<d', x))[0]
    print('%016x\t%s\t%s' % (bits, repr(x), '%0.6f' % x))
