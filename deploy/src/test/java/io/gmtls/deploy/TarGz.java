package io.gmtls.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a tar.gz as the assembly plugin writes it (ustar headers, PAX extended headers for long names):
 * enough for the tests to look at every entry, not a general tar reader. Entries are bounded in size.
 */
final class TarGz {

    /** One file or directory of the archive. */
    record Entry(String name, int mode, boolean directory, byte[] content) {
    }

    private static final int MAX_ENTRY_BYTES = 512 * 1024 * 1024;

    private TarGz() {
    }

    static List<Entry> read(Path archive) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 65536)) {
            String paxName = null;
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break; // end-of-archive block
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                int mode = (int) octal(header, 100, 8);
                long size = octal(header, 124, 12);
                if (size > MAX_ENTRY_BYTES) {
                    throw new IOException(name + ": entry larger than " + MAX_ENTRY_BYTES + " bytes");
                }
                char type = (char) header[156];
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxName = paxPath(new String(content, StandardCharsets.UTF_8));
                    continue;
                }
                if (paxName != null) {
                    name = paxName;
                    paxName = null;
                }
                entries.add(new Entry(name, mode, type == '5', content));
            }
        }
        return entries;
    }

    private static String paxPath(String records) {
        for (String line : records.split("\n")) {
            int eq = line.indexOf(" path=");
            if (eq > 0) {
                return line.substring(eq + 6);
            }
        }
        return null;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = field(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    static byte[] readAll(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > max) {
                throw new IOException("more than " + max + " bytes");
            }
        }
        return out.toByteArray();
    }
}
