# SPDX-License-Identifier: MIT
"""Host-side tests that are neither cmocka binaries nor one boot: make
install and its GRUB entry, the Debian package. test/run-all.py loads this
file and runs TESTS, each named host/<name>, after the unit tests.

Each test is called with the harness (test/run-all.py as a module: its
Scenario, run_scenario and report for the boots) and keep_logs, and
returns a list of (name, passed, reason): passed is True, False or None
(skipped); reason None when the line was printed already (a boot, by the
harness's report())."""
import filecmp
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
WORK = os.path.join(BUILD, "test", "host")
GRUB_LIB = "/usr/share/grub/grub-mkconfig_lib"
GRUB_HEADER = "/etc/grub.d/00_header"


def sh(cmd, env=None, cwd=ROOT):
    """Run cmd; returns (status, stdout, stderr)."""
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def tree(top):
    """Every path under top, relative, with what it is: a file's digest
    stand-in (its size), a link's target, or 'dir'."""
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            r = os.path.relpath(p, top)
            if os.path.islink(p):
                out[r] = "-> " + os.readlink(p)
            elif os.path.isdir(p):
                out[r] = "dir"
            else:
                out[r] = os.path.getsize(p)
    return out


def version():
    rc, out, err = sh([os.path.join(ROOT, "tools", "version")])
    if rc:
        raise RuntimeError(f"tools/version failed: {err.strip()}")
    return out.strip()


def make(target, destdir, prefix="/usr"):
    rc, out, err = sh(["make", "-s", target, f"DESTDIR={destdir}", f"PREFIX={prefix}"])
    if rc:
        raise RuntimeError(f"make {target} failed: {(out + err).strip()[-800:]}")


def expected_install(v, prefix="/usr"):
    """The files make install adds (relative to DESTDIR) -> link target or
    None (a file)."""
    files = {
        f"boot/petrel-{v}.elf": None, "boot/petrel.elf": f"petrel-{v}.elf",
        f"boot/petrel-dom0-{v}.elf": None, "boot/petrel-dom0.elf": f"petrel-dom0-{v}.elf",
        f"boot/petrel-initrd-{v}.cpio": None,
        "boot/petrel-initrd.cpio": f"petrel-initrd-{v}.cpio",
        "etc/grub.d/20_petrel": None, "etc/default/petrel": None,
    }
    doc = prefix.strip("/") + "/share/doc/petrel"
    for d in ("README.md", "install.md", "dom0.md", "toolstack.md", "command-line.md"):
        files[f"{doc}/{d}"] = None
    return files


def check_installed(dest, v, before):
    """None, or what is wrong with the tree make install left."""
    now = tree(dest)
    for path, link in expected_install(v).items():
        p = os.path.join(dest, path)
        if link is not None:
            if not os.path.islink(p) or os.readlink(p) != link:
                return f"{path} is not a symlink to {link}"
        elif not os.path.isfile(p) or os.path.islink(p):
            return f"{path} not installed"
    if not os.access(os.path.join(dest, "etc/grub.d/20_petrel"), os.X_OK):
        return "etc/grub.d/20_petrel is not executable"
    for built, inst in (("petrel.elf", f"petrel-{v}.elf"),
                        ("dom0/dom0.elf", f"petrel-dom0-{v}.elf"),
                        ("dom0/initrd.cpio", f"petrel-initrd-{v}.cpio")):
        if not filecmp.cmp(os.path.join(BUILD, built),
                           os.path.join(dest, "boot", inst), shallow=False):
            return f"boot/{inst} differs from build/{built}"
    for path, what in before.items():
        if now.get(path) != what:
            return f"{path}, there before, was changed"
    return None


def edited_defaults_kept(dest, before):
    """install, edit /etc/default/petrel, install again, uninstall: the
    edit survives both, nothing else of Petrel's is left. None or why."""
    conf = os.path.join(dest, "etc/default/petrel")
    try:
        make("install", dest)
        with open(conf, "a") as f:
            f.write("PETREL_DOM0_MEM=2G\n")
        make("install", dest)
        with open(conf) as f:
            if not f.read().endswith("PETREL_DOM0_MEM=2G\n"):
                return "a second make install overwrote the edited /etc/default/petrel"
        make("uninstall", dest)
    except RuntimeError as e:
        return str(e)
    if not os.path.isfile(conf):
        return "make uninstall removed the edited /etc/default/petrel"
    os.remove(conf)
    after = tree(dest)
    if after != before:
        return f"left {sorted(set(after) - set(before))}, lost {sorted(set(before) - set(after))}"
    return None


def grub_env(dest):
    """The environment grub-mkconfig gives the scripts in /etc/grub.d, as
    it would compute it for a / at dest, plus PETREL_ROOT=dest for
    20_petrel. GRUB's own settings: no menu delay, serial and screen."""
    env = dict(os.environ, pkgdatadir="/usr/share/grub", PETREL_ROOT=dest,
               GRUB_TIMEOUT="0", GRUB_DEFAULT="0",
               GRUB_TERMINAL_INPUT="serial console", GRUB_TERMINAL_OUTPUT="serial console",
               GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1",
               GRUB_DISTRIBUTOR="Debian", LANG="C")
    for var, path in (("GRUB_DEVICE", dest), ("GRUB_DEVICE_BOOT", os.path.join(dest, "boot"))):
        rc, out, _ = sh(["grub-probe", "--target=device", path])
        if rc == 0:
            env[var] = out.strip()
    return env


ENTRY_RE = re.compile(r"^menuentry '([^']*)' --class petrel --class os "
                      r"\$menuentry_id_option '([^']*)' \{\n(.*?)^\}\n", re.M | re.S)


SEARCH_RE = re.compile(r"^\s*search ", re.M)


def check_entries(text, dest, v, hv_args):
    """None, or what is wrong with 20_petrel's output for the install of v
    under dest (one entry, newest first)."""
    entries = ENTRY_RE.findall(text)
    if len(entries) != 1:
        return f"{len(entries)} Petrel menu entries, 1 expected:\n{text}"
    title, ident, body = entries[0]
    if title != f"Petrel {v}" or ident != f"petrel-{v}":
        return f"entry titled {title!r}, id {ident!r}"
    lines = [l.strip() for l in body.splitlines()]
    boot = os.path.join(dest, "boot")
    want = [f"multiboot2\t{boot}/petrel-{v}.elf {hv_args}",
            f"module2\t{boot}/petrel-dom0-{v}.elf",
            f"module2\t{boot}/petrel-initrd-{v}.cpio"]
    got = [l for l in lines if l.startswith(("multiboot2", "module2"))]
    if got != want:
        return f"the entry loads {got!r}, expected {want!r}"
    if "insmod multiboot2" not in lines:
        return "no 'insmod multiboot2' in the entry"
    return None


def run_grub_scripts(dest, env):
    """00_header then 20_petrel, as grub-mkconfig runs them: (cfg, error)."""
    cfg = ""
    for script in (GRUB_HEADER, os.path.join(dest, "etc/grub.d/20_petrel")):
        rc, out, err = sh(["/bin/sh", script], env=env)
        if rc:
            return None, f"{script} exited {rc}: {err.strip()}"
        cfg += out
    return cfg, None


def defaults_variants(dest, env, v):
    """20_petrel with other /etc/default/petrel contents: options carried,
    a hostile value refused, PETREL_ENABLE=false. None or what failed."""
    conf = os.path.join(dest, "etc/default/petrel")
    with open(conf) as f:
        shipped = f.read()
    script = os.path.join(dest, "etc/grub.d/20_petrel")
    try:
        with open(conf, "a") as f:
            f.write("PETREL_CONSOLE=none\nPETREL_COM1=\nPETREL_DOM0_MEM=1G\n"
                    "PETREL_CMDLINE='loglvl=debug iommu=force'\n")
        rc, out, err = sh(["/bin/sh", script], env=env)
        why = check_entries(out, dest, v, "console=none dom0_mem=1G loglvl=debug iommu=force") \
            if rc == 0 else f"exited {rc}: {err}"
        if why:
            return "with options set: " + why
        with open(conf, "a") as f:
            f.write("PETREL_CMDLINE='x; reboot'\n")
        rc, out, err = sh(["/bin/sh", script], env=env)
        # Refused without failing update-grub: the other entries still come.
        if rc != 0 or "menuentry" in out or "PETREL_CMDLINE" not in err:
            return f"a value with ';' was not refused: status {rc}, {out!r}, {err!r}"
        with open(conf, "a") as f:
            f.write("PETREL_CMDLINE=\nPETREL_ENABLE=false\n")
        rc, out, err = sh(["/bin/sh", script], env=env)
        if rc or out:
            return f"PETREL_ENABLE=false still wrote {out!r} (status {rc})"
    finally:
        with open(conf, "w") as f:
            f.write(shipped)
    return None


def versions_variants(dest, env, v):
    """Several versions in /boot: newest first, one without its dom0
    skipped with a warning; nothing installed: no entry, status 0. None or
    what failed."""
    boot = os.path.join(dest, "boot")
    made = []
    try:
        for nv, parts in (("9.9", ("", "-dom0", "-initrd")), ("9.8", ("",))):
            for part in parts:
                ext = ".cpio" if part == "-initrd" else ".elf"
                src = os.path.join(boot, f"petrel{part}-{v}{ext}")
                dst = os.path.join(boot, f"petrel{part}-{nv}{ext}")
                shutil.copyfile(src, dst)
                made.append(dst)
        rc, out, err = sh(["/bin/sh", os.path.join(dest, "etc/grub.d/20_petrel")], env=env)
        titles = [e[0] for e in ENTRY_RE.findall(out)]
        if rc or titles != ["Petrel 9.9", f"Petrel {v}"]:
            return f"two versions gave {titles} (status {rc}), newest first expected"
        if "petrel-dom0-9.8.elf missing" not in err:
            return f"petrel-9.8.elf without its dom0 not warned about: {err!r}"
    finally:
        for m in made:
            os.remove(m)
    empty = os.path.join(WORK, "empty-root")
    os.makedirs(os.path.join(empty, "boot"), exist_ok=True)
    rc, out, err = sh(["/bin/sh", os.path.join(dest, "etc/grub.d/20_petrel")],
                      env=dict(env, PETREL_ROOT=empty))
    shutil.rmtree(empty)
    if rc or out:
        return f"no Petrel in /boot still gave status {rc}, {out!r}"
    return None


FAKE_UUID = "0e1f2a3b-0000-4000-8000-00000000cafe"
FAKE_PROBE = f"""#!/bin/sh
# grub-probe for a /boot on the second GPT partition of hd0, ext2
for a in "$@"; do
	case $a in
	--target=partmap) echo gpt ;;
	--target=abstraction) ;;
	--target=fs) echo ext2 ;;
	--target=compatibility_hint) echo hd0,gpt2 ;;
	--target=fs_uuid) echo {FAKE_UUID} ;;
	--target=hints_string) echo --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 ;;
	--target=*) echo "fake grub-probe: $a?" >&2; exit 1 ;;
	esac
done
"""


def device_lines_variant(dest, env, v):
    """With a boot device (a fake grub-probe standing for a disk's), the
    entry carries GRUB's lines for reaching it (prepare_grub_to_access_
    device) before it loads anything. None or what failed."""
    probe = os.path.join(WORK, "fake-grub-probe")
    with open(probe, "w") as f:
        f.write(FAKE_PROBE)
    os.chmod(probe, 0o755)
    env = dict(env, grub_probe=probe, GRUB_DEVICE_BOOT="/dev/fakedisk2")
    rc, out, err = sh(["/bin/sh", os.path.join(dest, "etc/grub.d/20_petrel")], env=env)
    why = check_entries(out, dest, v, "console=com1 com1=115200,8n1 dom0_mem=512M") \
        if rc == 0 else f"status {rc}: {err}"
    if why:
        return "with a boot device: " + why
    body = [l.strip() for l in ENTRY_RE.findall(out)[0][2].splitlines()]
    want = ["insmod part_gpt", "insmod ext2", "set root='hd0,gpt2'",
            f"search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 "
            f"--hint-efi=hd0,gpt2 {FAKE_UUID}"]
    load = next(i for i, l in enumerate(body) if l.startswith("multiboot2"))
    missing = [w for w in want if w not in body[:load]]
    if missing:
        return f"with a boot device, the entry lacks {missing} before multiboot2:\n{out}"
    return None


def boot_cfg(h, name, firmware, tree_dir, cfg_path, keep_logs):
    """Boot an ISO of tree_dir with cfg_path as its grub.cfg to dom0's
    prompt: (name, passed, reason)."""
    sc = h.Scenario(name, "qemu", firmware, smp=2, mem=1024, expect="dom0",
                    cmdline="(from the generated grub.cfg)")
    why = h.missing_requirement(sc)
    if why:
        return name, None, why
    iso = os.path.join(WORK, f"{name}.iso")
    rc, out, err = sh([h.MKISO, "--tree", tree_dir, cfg_path, iso])
    if rc:
        return name, False, f"tools/mkiso --tree failed: {(out + err).strip()}"
    r = h.run_scenario(sc, iso, keep_logs)
    h.report(sc, r)             # its PASS/FAIL line, and the log's tail
    return name, r["passed"], None


def test_install(h, keep_logs=False):
    """make install into a DESTDIR holding other files; the tree; the GRUB
    entry 20_petrel writes (00_header before it, as update-grub would);
    that entry booted from an ISO on SeaBIOS and OVMF to dom0's prompt;
    make uninstall leaves the tree as it was."""
    if not os.path.exists(GRUB_LIB) or not os.path.exists(GRUB_HEADER):
        yield "host/install", None, "grub-common not installed (tools/install-deps)"
        return
    results = []

    def note(r):
        results.append(r)
        return r

    shutil.rmtree(WORK, ignore_errors=True)
    dest = os.path.join(WORK, "root")
    os.makedirs(os.path.join(dest, "boot"))
    os.makedirs(os.path.join(dest, "etc", "default"))
    # Someone else's files, which install and uninstall must leave alone.
    for p, text in (("boot/vmlinuz-6.1.0", "kernel"), ("etc/default/grub", "GRUB_TIMEOUT=5\n")):
        with open(os.path.join(dest, p), "w") as f:
            f.write(text)
    before = tree(dest)
    v = version()
    try:
        make("install", dest)
    except RuntimeError as e:
        yield "host/install", False, str(e)
        return
    why = check_installed(dest, v, before)
    yield note(("host/install", why is None, why or
                    f"Petrel {v}: {len(expected_install(v))} files and links, "
                    "the images equal to build/'s"))

    env = grub_env(dest)
    cfg, why = run_grub_scripts(dest, env)
    hv_args = "console=com1 com1=115200,8n1 dom0_mem=512M"
    if not why:
        why = check_entries(cfg, dest, v, hv_args) or defaults_variants(dest, env, v) \
            or versions_variants(dest, env, v) or device_lines_variant(dest, env, v)
    dev = env.get("GRUB_DEVICE_BOOT")
    yield note(("host/install-grub-entry", why is None, why or
                    "one entry, multiboot2 and module2 lines as installed; "
                    "options from /etc/default/petrel, a bad value refused; "
                    "versions newest first, an incomplete one skipped; "
                    "a boot device's insmod/search lines; "
                    + (f"boot device {dev}, " if dev else "grub-probe found no boot device, ")
                    + f"{len(SEARCH_RE.findall(cfg or ''))} search lines"))

    if cfg is not None and why is None:
        # The ISO: the installed /boot as it is; grub.cfg what the scripts
        # wrote with only the DESTDIR prefix taken off the paths. They are
        # run for it without GRUB_DEVICE(_BOOT): lines naming this
        # machine's disk (set root='hd0,...', search) would send GRUB
        # away from the ISO, which is the only disk there.
        cfg, _ = run_grub_scripts(dest, {k: x for k, x in env.items()
                                         if k not in ("GRUB_DEVICE", "GRUB_DEVICE_BOOT")})
        iso_tree = os.path.join(WORK, "iso-tree")
        shutil.copytree(os.path.join(dest, "boot"), os.path.join(iso_tree, "boot"),
                        symlinks=True)
        cfg_path = os.path.join(WORK, "grub.cfg")
        with open(cfg_path, "w") as f:
            f.write(cfg.replace(dest + "/boot/", "/boot/"))
        for fw in ("bios", "ovmf"):
            yield note(boot_cfg(h, f"install-grub-boot-{fw}", fw, iso_tree, cfg_path,
                                keep_logs))
    else:
        yield note(("host/install-grub-boot", False, "no entry to boot"))

    try:
        make("uninstall", dest)
        after = tree(dest)
        why = None if after == before else \
            f"left {sorted(set(after) - set(before))}, lost {sorted(set(before) - set(after))}"
    except RuntimeError as e:
        why = str(e)
    yield note(("host/uninstall", why is None, why or "the tree is as before install"))
    if why is None:
        why = edited_defaults_kept(dest, before)
        yield note(("host/uninstall-edited", why is None, why or
                    "an edited /etc/default/petrel kept by install and by uninstall, "
                    "all else removed"))
    if all(r[1] is not False for r in results):
        shutil.rmtree(WORK, ignore_errors=True)


DEB_WORK = os.path.join(BUILD, "test", "host-deb")
# Lintian tags left, each explained in docs/install.md ("The Debian
# package"): none. Overridden ones (tools/install/lintian-overrides) are
# not printed.
LINTIAN_ALLOWED = set()


def deb_fields(info):
    return dict(re.findall(r"^ ([A-Za-z-]+): (.*)$", info, re.M))


def check_deb_listing(listing, v):
    """None, or what dpkg-deb -c shows wrong: exactly make install's files
    (PREFIX=/usr), the symlinks, and Debian's copyright, changelog and
    lintian override."""
    got = {}
    for line in listing.splitlines():
        m = re.match(r"^(\S+) \S+ +\d+ \S+ \S+ \./(\S*)(?: -> (\S+))?$", line)
        if not m:
            return f"unreadable line in dpkg-deb -c: {line!r}"
        mode, path, link = m.groups()
        if path and not path.endswith("/"):
            got[path] = link if mode.startswith("l") else None
            if mode.startswith("-") and mode[1:] not in ("rw-r--r--", "rwxr-xr-x"):
                return f"{path} has mode {mode}"
    want = dict(expected_install(v))
    for d in ("block.md", "console.md", "network.md", "copyright", "changelog.gz"):
        want[f"usr/share/doc/petrel/{d}"] = None
    want["usr/share/lintian/overrides/petrel"] = None
    if got != want:
        return (f"dpkg-deb -c: extra {sorted(set(got) - set(want))}, "
                f"missing {sorted(set(want) - set(got))}, "
                f"links {[p for p in want if want[p] != got.get(p, want[p])]}")
    return None


def check_maintainer_scripts(ctrl):
    """Run the extracted postinst and postrm with a fake update-grub first
    on PATH: (None or what failed, what was seen)."""
    fakebin = os.path.join(DEB_WORK, "fakebin")
    os.makedirs(fakebin, exist_ok=True)
    mark = os.path.join(DEB_WORK, "update-grub.calls")
    with open(os.path.join(fakebin, "update-grub"), "w") as f:
        f.write(f"#!/bin/sh\necho called >> {mark}\n")
    os.chmod(os.path.join(fakebin, "update-grub"), 0o755)
    # The scripts run update-grub only where GRUB is installed: /boot/grub,
    # which PETREL_GRUB_DIR stands for here, once there, once not.
    grub_dir = os.path.join(DEB_WORK, "boot-grub")
    os.makedirs(grub_dir, exist_ok=True)
    for gdir, runs in ((grub_dir, 1), (os.path.join(DEB_WORK, "no-grub"), 0)):
        env = dict(os.environ, PATH=fakebin + ":" + os.environ["PATH"],
                   PETREL_GRUB_DIR=gdir)
        for script, args, want in (("postinst", ["configure", ""], runs),
                                   ("postrm", ["remove"], runs),
                                   ("postrm", ["purge"], runs),
                                   ("postrm", ["upgrade", "0.1"], 0)):
            if os.path.exists(mark):
                os.remove(mark)
            rc, out, err = sh(["/bin/sh", os.path.join(ctrl, script)] + args, env=env)
            calls = 0
            if os.path.exists(mark):
                with open(mark) as f:
                    calls = len(f.read().split())
            if rc or calls != want:
                return (f"{script} {' '.join(args)} (grub dir {gdir}): status {rc}, "
                        f"update-grub run {calls} times, {want} expected"), None
    return None, ("update-grub run by postinst configure, postrm remove and purge, "
                  "not by postrm upgrade, nor without /boot/grub")


def test_deb(h, keep_logs=False):
    """make deb; dpkg-deb -I and -c; the maintainer scripts; lintian; the
    package's own files (stripped images) booted through its 20_petrel
    entry to dom0's prompt."""
    shutil.rmtree(DEB_WORK, ignore_errors=True)
    os.makedirs(DEB_WORK)
    v = version()
    rc, out, err = sh(["make", "-s", "deb"])
    deb = os.path.join(BUILD, f"petrel_{v}_amd64.deb")
    if rc or not os.path.exists(deb):
        yield "host/deb", False, f"make deb failed: {(out + err).strip()[-800:]}"
        return
    results = []

    def note(r):
        results.append(r)
        return r
    _, info, _ = sh(["dpkg-deb", "-I", deb])
    fields = deb_fields(info)
    want = {"Package": "petrel", "Version": v, "Architecture": "amd64",
            "Depends": "grub-common"}
    why = next((f"control field {k}: {fields.get(k)!r}, {w!r} expected"
                for k, w in want.items() if fields.get(k) != w), None)
    ctrl = os.path.join(DEB_WORK, "control")
    if not why:
        rc, out, err = sh(["dpkg-deb", "-e", deb, ctrl])
        with open(os.path.join(ctrl, "conffiles")) as f:
            conff = f.read().split()
        if conff != ["/etc/default/petrel", "/etc/grub.d/20_petrel"]:
            why = f"conffiles {conff}"
    if not why:
        why = check_deb_listing(sh(["dpkg-deb", "-c", deb])[1], v)
    seen = None
    if not why:
        why, seen = check_maintainer_scripts(ctrl)
    yield note(("host/deb", why is None, why or
                f"{os.path.basename(deb)}: control fields, conffiles, the files "
                f"of make install and nothing else; {seen}"))

    if shutil.which("lintian"):
        rc, out, err = sh(["lintian", "--no-cfg", "--pedantic", "-I", "-E", deb])
        tags = [l for l in (out + err).splitlines()
                if re.match(r"^[EWIPX]: ", l)]
        bad = [t for t in tags if t.split()[2] not in LINTIAN_ALLOWED]
        yield note(("host/deb-lintian", not bad and rc == 0,
                    f"lintian status {rc}: {bad}" if bad or rc else
                    f"lintian --pedantic -I -E: clean ({len(tags)} explained tags)"))
    else:
        yield note(("host/deb-lintian", None, "lintian not installed (tools/install-deps)"))

    # The package's files as dpkg would unpack them, its 20_petrel's entry.
    dest = os.path.join(DEB_WORK, "root")
    sh(["dpkg-deb", "-x", deb, dest])
    # As for host/install's boot: no GRUB_DEVICE(_BOOT), the ISO is the disk.
    cfg, why = run_grub_scripts(dest, {k: x for k, x in grub_env(dest).items()
                                       if k not in ("GRUB_DEVICE", "GRUB_DEVICE_BOOT")})
    why = why or check_entries(cfg, dest, v, "console=com1 com1=115200,8n1 dom0_mem=512M")
    if why:
        yield note(("host/deb-grub-entry", False, why))
    else:
        iso_tree = os.path.join(DEB_WORK, "iso-tree")
        shutil.copytree(os.path.join(dest, "boot"), os.path.join(iso_tree, "boot"),
                        symlinks=True)
        cfg_path = os.path.join(DEB_WORK, "grub.cfg")
        with open(cfg_path, "w") as f:
            f.write(cfg.replace(dest + "/boot/", "/boot/"))
        yield note(boot_cfg(h, "deb-grub-boot-bios", "bios", iso_tree, cfg_path, keep_logs))
    if all(r[1] is not False for r in results):
        shutil.rmtree(DEB_WORK, ignore_errors=True)


def test_accel(h, keep_logs=False):
    """test/accel.py's choice against fake /dev/kvm, /proc/cpuinfo and
    /sys trees: KVM only with svm or vmx in the flags and nesting not off;
    and the QEMU arguments each choice gives."""
    import tempfile
    acc = h.ACCEL_MOD
    amd = "processor\t: 0\nflags\t\t: fpu sse2 svm npt\n\nprocessor\t: 1\nflags\t\t: fpu svm\n"
    intel = "processor\t: 0\nflags\t\t: fpu vmx ept vpid\n"
    nested = "processor\t: 0\nflags\t\t: fpu sse2 hypervisor lahf_lm\n"    # a VM, no nesting
    fails = []
    with tempfile.TemporaryDirectory() as d:
        def case(name, cpuinfo, kvm=True, sys_nested=None, env=None, want="tcg", why=None):
            kvm_path = os.path.join(d, name + ".kvm")
            cpu_path = os.path.join(d, name + ".cpuinfo")
            sysfs = os.path.join(d, name + ".sys")
            if kvm:
                open(kvm_path, "w").close()
            if cpuinfo is not None:
                with open(cpu_path, "w") as f:
                    f.write(cpuinfo)
            if sys_nested:
                mod, value = sys_nested
                p = os.path.join(sysfs, "module", mod, "parameters")
                os.makedirs(p)
                with open(os.path.join(p, "nested"), "w") as f:
                    f.write(value + "\n")
            got, reason = acc.detect(kvm_path, cpu_path, sysfs, env or {})
            if got != want or (why and why not in reason):
                fails.append(f"{name}: {got} ({reason}), {want} expected"
                             + (f" saying {why!r}" if why else ""))
        case("amd", amd, want="kvm", why="svm")
        case("intel", intel, want="kvm", why="vmx")
        case("no-kvm", amd, kvm=False, why="no ")
        case("kvm-no-flags", nested, why="neither svm nor vmx")
        case("kvm-empty-cpuinfo", "", why="neither svm nor vmx")
        case("kvm-no-cpuinfo", None, why="unreadable")
        case("svm-word-elsewhere", "model name\t: svm vmx\nflags\t\t: fpu\n",
             why="neither svm nor vmx")
        case("amd-nested-0", amd, sys_nested=("kvm_amd", "0"), why="nested=0")
        case("intel-nested-N", intel, sys_nested=("kvm_intel", "N"), why="nested=N")
        case("amd-nested-1", amd, sys_nested=("kvm_amd", "1"), want="kvm")
        case("intel-nested-Y", intel, sys_nested=("kvm_intel", "Y"), want="kvm")
        case("forced-tcg", amd, env={"PETREL_ACCEL": "tcg"}, why="PETREL_ACCEL=tcg")
        case("forced-kvm-no-dev", amd, kvm=False, env={"PETREL_ACCEL": "kvm"}, why="no ")
        case("bad-override", amd, env={"PETREL_ACCEL": "hvf"}, why="neither kvm nor tcg")
    for accel, cpu, want in (("kvm", None, ["-accel", "kvm", "-cpu", "host"]),
                             ("tcg", None, ["-accel", "tcg", "-cpu", acc.TCG_CPU]),
                             ("kvm", "qemu32", ["-accel", "tcg", "-cpu", "qemu32"]),
                             ("tcg", "qemu64", ["-accel", "tcg", "-cpu", "qemu64"])):
        if acc.qemu_args(accel, cpu) != want:
            fails.append(f"qemu_args({accel!r}, {cpu!r}) = {acc.qemu_args(accel, cpu)}")
    yield ("host/accel", not fails, "; ".join(fails) or
           f"14 fake machines judged, QEMU arguments right; this machine: "
           f"{h.ACCEL} ({h.ACCEL_WHY})")


TESTS = [("host/install", test_install), ("host/deb", test_deb), ("host/accel", test_accel)]
