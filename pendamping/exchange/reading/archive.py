"""An XLSX file is a ZIP archive. Before calamine parses one, every member is unpacked here as a stream and
counted: the sizes the archive declares are not trusted (a crafted ZIP declares small sizes and inflates to
gigabytes), nothing unpacked is kept, and a damaged or truncated archive gets a clear message instead of a
parser error. The same pass notices formulas and macros, which are never run."""

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from pendamping.exchange.reading.base import MEGABYTE, FileProblem, megabytes, shown

DEFAULT_MAX_BYTES = 50 * MEGABYTE
UNPACKED_PER_BYTE_ALLOWED = 20  # unpacked total allowed per byte of the size limit: 1 GB for the 50 MB default
MAX_RATIO = 100  # a real workbook compresses 5 to 30 times
RATIO_FROM = 10 * MEGABYTE  # small files may compress absurdly (an empty sheet) and are harmless
CHUNK = MEGABYTE
OUT_CHUNK = 4 * MEGABYTE
LOCAL_HEADER = struct.Struct("<4s22xHH")


def check_archive(path: Path, *, name: str, max_bytes: int | None) -> list[str]:
    """Raise FileProblem for a ZIP bomb or a damaged archive; return warnings (formulas, macros)."""
    limit = UNPACKED_PER_BYTE_ALLOWED * (max_bytes or DEFAULT_MAX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            infos = archive.infolist()
            total, formulas = 0, False
            for info in infos:
                size, found = _unpack(raw, info, cap=limit - total, name=name, look=_is_sheet(info, formulas))
                total += size
                formulas = formulas or found
                if total > limit or (size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1)):
                    raise _bomb(name, total, sum(i.compress_size for i in infos))
            packed = sum(i.compress_size for i in infos)
            if total > RATIO_FROM and total > MAX_RATIO * packed:
                raise _bomb(name, total, packed)
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise _not_a_workbook(archive, names, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(name) from exc
    warnings = []
    if formulas:
        warnings.append(_("Formulas are not calculated: the values Excel saved with the file are read."))
    if "xl/vbaProject.bin" in names:
        warnings.append(_("The workbook contains macros; they are ignored (never run)."))
    return warnings


def damaged(name: str) -> FileProblem:
    return FileProblem(
        _(
            "The XLSX file %(file)s is damaged or incomplete (truncated?). "
            "Open it in Excel, save it again, and upload the new file."
        )
        % {"file": shown(name)}
    )


def _is_sheet(info: zipfile.ZipInfo, formulas_found: bool) -> bool:
    return not formulas_found and info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")


def _unpack(raw: BinaryIO, info: zipfile.ZipInfo, *, cap: int, name: str, look: bool) -> tuple[int, bool]:
    """(true unpacked size, whether a formula was seen) of one member, reading it from the archive's bytes.
    Stops as soon as the size passes `cap`; a size or checksum unlike the declared one means damage."""
    if info.flag_bits & 0x1:
        raise FileProblem(
            _("%(file)s is password-protected. Save it in Excel without a password, as .xlsx or CSV.")
            % {"file": shown(name)}
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile(f"compression {info.compress_type} is not used by Excel")
    raw.seek(info.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(raw.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    raw.seek(info.header_offset + LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, size, checksum, tail, found = info.compress_size, 0, 0, b"", False
    while left > 0:
        pending = raw.read(min(CHUNK, left))
        if not pending:
            raise EOFError("member cut short")
        left -= len(pending)
        while pending:
            if inflater is None:
                data, pending = pending, b""
            else:
                data = inflater.decompress(pending, OUT_CHUNK)
                pending = inflater.unconsumed_tail
            size += len(data)
            if size > cap:
                return size, found
            checksum = zlib.crc32(data, checksum)
            if look and not found:
                window = tail + data
                # <f> and <f t="shared" ...> mark a formula; <formula1> (data validation) and <filters> do not.
                found = b"<f>" in window or b"<f " in window
                tail = data[-8:]
    if (inflater is not None and not inflater.eof) or size != info.file_size or checksum != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: sizes or checksum differ from the archive's directory")
    return size, found


def _bomb(name: str, total: int, packed: int) -> FileProblem:
    return FileProblem(
        _(
            "%(file)s unpacks to more than %(size)s MB (%(ratio)s times its packed size), which no real workbook "
            "does; it is not read. Save the workbook again in Excel, or export the sheet as CSV."
        )
        % {"file": shown(name), "size": megabytes(total), "ratio": total // max(packed, 1)}
    )


def _not_a_workbook(archive: zipfile.ZipFile, names: set[str], name: str) -> FileProblem:
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        return FileProblem(
            _("%(file)s is an OpenDocument file (LibreOffice, .ods), not XLSX. Save it as .xlsx or CSV.")
            % {"file": shown(name)}
        )
    return damaged(name)
