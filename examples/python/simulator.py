"""The C example's toy simulator in Python: plan a network, replay its DRAM transfers, and add up
time per unit as the slower of DRAM (bytes over a bandwidth) and compute (MACs over an array).

    python3 examples/python/simulator.py nets/mobilenetv2.yaml [BUFFER [STRATEGY]]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import dse  # noqa: E402

net = dse.load(sys.argv[1])
plan = net.plan(buffer=int(sys.argv[2]) if len(sys.argv) > 2 else 65536,
                strategy=sys.argv[3] if len(sys.argv) > 3 else "optimal")
bits = [0] * len(plan.units)
for transfer in plan.transfers():
    bits[transfer.unit] += transfer.bits
cycles = 0.0
for unit, moved in zip(plan.units, bits):
    dram = moved / 8 / 8.0                                   # 8 bytes per cycle
    compute = (unit.cost["macs"] + unit.cost["halo_macs"] + unit.cost["chunk_macs"]) / 168.0
    cycles += max(dram, compute)
    print("%-28.28s %12d bits %12.0f cycles" % (unit.name, moved, max(dram, compute)))
print("total: %d bits, %.0f cycles; plan: %s" % (sum(bits), cycles, plan.totals["dram_bits"]))
sys.exit(0 if sum(bits) == plan.totals["dram_bits"] else 1)
