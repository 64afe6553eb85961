package dev.ariadne.storage.embedded;

import dev.ariadne.storage.embedded.BlockFormat.Extent;
import dev.ariadne.storage.embedded.BlockFormat.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Finds where the parts of a sound block file are, so that tests can damage one of them. */
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
      return TraceIndex.read(new ByteSource(raw, "index"));
    }
  }

  /** Copies {@code file} to {@code into} with the byte at {@code offset} inverted. */
  static Path withFlippedByte(Path file, long offset, Path into) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[Math.toIntExact(offset)] ^= (byte) 0xFF;
    return Files.write(into, bytes);
  }
}
