"""Keep every library off the network.

fastembed, huggingface_hub and transformers-style code try a hub when a model
is missing. Arquivo never fetches at run time, so entry points call
`enforce_offline()` before importing them.
"""

from __future__ import annotations

import os

OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "LANCEDB_TELEMETRY": "0",
    # onnxruntime sends telemetry from native code (a DNS query about 9 s after a session
    # starts) and keeps a queue in ~/.cache/Microsoft unless this is set before it loads.
    "ORT_DISABLE_TELEMETRY": "1",
}


def enforce_offline() -> None:
    for key, value in OFFLINE_SWITCHES.items():
        os.environ[key] = value
