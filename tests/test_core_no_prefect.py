"""The core runs without Prefect: importing every channel never imports it."""

import subprocess
import sys

from conftest import ROOT


def test_channels_import_without_prefect():
    code = ("import sys, channels.build, channels.registry, channels.gate; "
            "print('prefect' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
