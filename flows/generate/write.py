"""Writing one extract file, a frame at a time, in the encoding the producing system would use."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from flows.generate.schedule import FileStyle

BOM = b"\xef\xbb\xbf"


class ExtractSink:
    """An extract being written: CSV (UTF-8, UTF-8 with BOM or Windows-1252) or Parquet, all columns text."""

    def __init__(self, path: Path, style: FileStyle, columns: list[str]) -> None:
        self.path, self.style, self.columns, self.rows = path, style, columns, 0
        self._header_written = False
        if style.encoding == "parquet":
            self._schema = pa.schema([(c, pa.large_string()) for c in columns])
            self._parquet = pq.ParquetWriter(path, self._schema, compression="zstd")
        else:
            self._fh = path.open("wb")
            if style.encoding == "utf-8-sig":
                self._fh.write(BOM)

    def append(self, frame: pl.DataFrame) -> None:
        if list(frame.columns) != self.columns:
            raise ValueError(f"{self.path.name}: columns {frame.columns} differ from {self.columns}")
        self.rows += frame.height
        if self.style.encoding == "parquet":
            self._parquet.write_table(frame.to_arrow().cast(self._schema))
            return
        buffer = io.BytesIO()
        frame.write_csv(
            buffer, include_header=not self._header_written, line_terminator=self.style.line_terminator
        )
        self._header_written = True
        data = buffer.getvalue()
        if self.style.encoding == "cp1252":
            data = data.decode("utf-8").encode("cp1252")
        self._fh.write(data)

    def close(self) -> None:
        if self.style.encoding == "parquet":
            self._parquet.close()
        else:
            self._fh.close()
