"""A private PulseAudio daemon whose null sinks are real capture devices for PortAudio.

Each sink's monitor gets an ALSA name ``<sink>_mon`` (asoundrc in a private XDG_CONFIG_HOME),
so ``coolhead listen --agent-device agent_mon`` records what ``paplay --device=agent`` plays.
Nothing touches a system daemon: the runtime and config dirs live under ``root``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class PulseUnavailable(RuntimeError):
    """PulseAudio or its tools are not installed."""


class PrivatePulse:
    def __init__(self, root: Path, sinks: dict[str, int], rate_hz: int = 16000) -> None:
        """``sinks``: sink name -> channels."""
        for tool in ("pulseaudio", "pactl", "paplay"):
            if shutil.which(tool) is None:
                raise PulseUnavailable(f"{tool} not installed (apt: pulseaudio pulseaudio-utils)")
        self.root = Path(root)
        self.sinks = dict(sinks)
        self.rate_hz = rate_hz
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.root / "run"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
        }
        self.env.pop("PULSE_SERVER", None)
        self.log_path = self.root / "pulse.log"

    def device(self, sink: str) -> str:
        """ALSA/PortAudio name of ``sink``'s monitor."""
        return f"{sink}_mon"

    def start(self) -> PrivatePulse:
        (self.root / "run").mkdir(parents=True, exist_ok=True)
        (self.root / "run").chmod(0o700)
        alsa = self.root / "config" / "alsa"
        alsa.mkdir(parents=True, exist_ok=True)
        (alsa / "asoundrc").write_text(
            "".join(
                f'pcm.{self.device(s)} {{ type pulse; device "{s}.monitor"; '
                f'hint {{ show on; description "{s} monitor" }} }}\n'
                for s in self.sinks
            )
        )
        loads = [
            f"--load=module-null-sink sink_name={s} rate={self.rate_hz} channels={ch}" for s, ch in self.sinks.items()
        ]
        subprocess.run(
            [
                "pulseaudio",
                "--daemonize=yes",
                "-n",
                "--exit-idle-time=-1",
                "--system=false",
                "--disallow-exit=no",
                f"--log-target=file:{self.log_path}",
                "--load=module-native-protocol-unix",
                *loads,
            ],
            env=self.env,
            check=True,
            timeout=20,
            capture_output=True,
        )
        deadline = time.monotonic() + 10
        while self.pactl("info", check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"private PulseAudio did not answer; see {self.log_path}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        pid_file = self.root / "run" / "pulse" / "pid"
        try:
            pid: int | None = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pid = None
        self.pactl("exit", check=False)
        deadline = time.monotonic() + 5
        while pid is not None and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid is not None and _alive(pid):
            os.kill(pid, 9)

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=check)

    def play(self, sink: str, wav: Path) -> subprocess.Popen:
        """Start playing ``wav`` into ``sink`` (returns at once)."""
        return subprocess.Popen(["paplay", f"--device={sink}", str(wav)], env=self.env)

    def unload_sink(self, sink: str) -> None:
        """Remove ``sink`` (and its monitor): the capture device disappears mid-stream."""
        for line in self.pactl("list", "short", "modules").stdout.splitlines():
            index, name, arguments = (line.split("\t") + ["", ""])[:3]
            if name == "module-null-sink" and f"sink_name={sink} " in arguments + " ":
                self.pactl("unload-module", index)
                return
        raise KeyError(sink)

    def __enter__(self) -> PrivatePulse:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
