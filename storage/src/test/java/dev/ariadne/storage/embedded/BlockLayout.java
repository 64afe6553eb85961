package dev.ariadne.storage.embedded;

import com.github.luben.zstd.Zstd;
import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Finds where the parts of a sound block file are, so that tests can damage or replace one of
 * them.
 */
final class BlockLayout {
  private BlockLayout() {}

  static Map<Section, Extent> sections(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteSource footer = new ByteSource(bytes, bytes.length - BlockFormat.FOOTER_SIZE,
        BlockFormat.FOOTER_SIZE, "footer");
    Map<Section, Extent> sections = new EnumMap<>(Section.class);
    for (Section section : Section.values()) {
      sections.put(section, Extent.readFixed(footer));
    }
    return sections;
  }

  static TraceIndex index(Path file) throws IOException {
    try (BlockFile blockFile = new BlockFile(file)) {
      blockFile.dataEnd(blockFile.size() - BlockFormat.FOOTER_SIZE);
      byte[] raw = blockFile.read(sections(file).get(Section.INDEX), "index");
      return TraceIndex.read(new ByteSource(raw, "index"), version(file));
    }
  }

  /** The format version in the footer. */
  static int version(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return new ByteSource(bytes, bytes.length - 8, 4, "footer").readIntLe();
  }

  /** Page {@code page}, decompressed. */
  static byte[] page(Path file, int page) throws IOException {
    try (BlockFile blockFile = new BlockFile(file)) {
      blockFile.dataEnd(blockFile.size() - BlockFormat.FOOTER_SIZE);
      return blockFile.read(index(file).page(page), "page " + page);
    }
  }

  /**
   * Copies {@code file} to {@code into} with page {@code page} replaced by {@code raw}: appended,
   * compressed and checksummed, with the index and footer redone to point to it.
   */
  static Path withPage(Path file, int page, byte[] raw, Path into) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    TraceIndex index = index(file);
    ByteSink out = new ByteSink(bytes.length + raw.length);
    out.writeBytes(bytes, 0, bytes.length - BlockFormat.FOOTER_SIZE);
    Extent replaced = append(out, raw);
    TraceIndex.Builder builder = new TraceIndex.Builder();
    for (int ordinal = 0; ordinal < index.traceCount(); ordinal++) {
      builder.addTrace(index.traceId(ordinal));
    }
    for (int p = 0; p < index.pageCount(); p++) {
      builder.addPage(index.firstPart(p), p == page ? replaced : index.page(p));
    }
    for (int chunk = 0; chunk * TraceIndex.TRACES_PER_CHUNK < index.traceCount(); chunk++) {
      builder.addSummaryChunk(index.summaryChunk(chunk));
    }
    ByteSink rawIndex = new ByteSink(1024);
    builder.build().writeTo(rawIndex);
    Map<Section, Extent> sections = sections(file);
    sections.put(Section.INDEX, append(out, rawIndex.toByteArray()));
    writeFooter(out, sections);
    return Files.write(into, out.toByteArray());
  }

  /** Appends {@code raw} compressed, as a block stores it; returns where it went. */
  static Extent append(ByteSink out, byte[] raw) {
    byte[] stored = Zstd.compress(raw);
    CRC32C crc = new CRC32C();
    crc.update(stored);
    Extent extent = new Extent(out.size(), stored.length, raw.length, (int) crc.getValue());
    out.writeBytes(stored);
    return extent;
  }

  /** Appends a footer locating {@code sections}, in the current format version. */
  static void writeFooter(ByteSink out, Map<Section, Extent> sections) {
    ByteSink footer = new ByteSink(BlockFormat.FOOTER_SIZE);
    for (Section section : Section.values()) {
      sections.get(section).writeFixed(footer);
    }
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, footer.size());
    footer.writeIntLe((int) crc.getValue());
    footer.writeIntLe(BlockFormat.VERSION);
    footer.writeIntLe(BlockFormat.MAGIC);
    out.writeBytes(footer.array(), 0, footer.size());
  }

  /** Copies {@code file} to {@code into} with the byte at {@code offset} inverted. */
  static Path withFlippedByte(Path file, long offset, Path into) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[Math.toIntExact(offset)] ^= (byte) 0xFF;
    return Files.write(into, bytes);
  }
}
