"""The grader's only reach into Jupyter's internals, in one place.

Two things the grader needs have no public API in jupyter_client 8 / nbclient 0.10:

* a kernel command line of its own for every start (the sandbox and the limits change with
  each scratch folder): jupyter_client reads the command from the spec it caches on the
  ``KernelManager`` (``_kernel_spec``), so the grader replaces that cached spec;
* shutting down the kernel nbclient started, at once, with its client's sockets closed:
  nbclient's ``_cleanup_kernel``.

If an upgrade renames either, this module is what breaks, and
``tests/test_engine_units.py`` says so without starting a kernel.
"""

from __future__ import annotations

from typing import Any


def use_kernel_command(manager: Any, argv: list[str], interrupt_mode: str,
                       provisioner: dict | None = None) -> None:
    """Makes ``manager`` start its next kernel with ``argv`` (the rest of its spec kept).

    Args:
        manager: A ``jupyter_client.KernelManager`` before ``start_kernel``.
        argv: The full command line, ``{connection_file}`` included.
        interrupt_mode: ``"signal"`` or ``"message"`` (a sandboxed kernel has no signals
            from outside its namespace).
        provisioner: A kernel spec's ``kernel_provisioner`` stanza (``provisioner_name``
            and ``config``), or None for the spec's own (jupyter_client's default).
    """
    from jupyter_client.kernelspec import KernelSpec

    spec = manager.kernel_spec
    metadata = {k: v for k, v in spec.metadata.items() if k != "kernel_provisioner"}
    if provisioner is not None:
        metadata["kernel_provisioner"] = provisioner
    manager._kernel_spec = KernelSpec(  # noqa: SLF001 - the spec jupyter_client caches
        resource_dir=spec.resource_dir, argv=argv, display_name=spec.display_name,
        language=spec.language, metadata=metadata, env=spec.env,
        interrupt_mode=interrupt_mode)


def shut_down(client: Any) -> None:
    """Stops the kernel an nbclient ``NotebookClient`` started, and forgets it.

    Never raises: a dead kernel may fail to shut down cleanly.
    """
    try:
        client._cleanup_kernel()  # noqa: SLF001 - nbclient's own shutdown
    except Exception:  # noqa: BLE001
        pass
    client.km = None
    client.kc = None


def launcher_pid(manager: Any) -> int | None:
    """The process id of what the manager launched (the sandbox or the kernel), or None."""
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def forked_kernel_pid(manager: Any) -> int | None:
    """The pid of a kernel forked into its sandbox (:mod:`.warm`), or None for any other."""
    return getattr(getattr(manager, "provisioner", None), "kernel_pid", None)
