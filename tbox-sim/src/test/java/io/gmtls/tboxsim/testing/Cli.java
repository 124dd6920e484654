package io.gmtls.tboxsim.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.gmtls.tboxsim.TboxSim;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs tbox-sim command lines in-process and captures what they print. */
public final class Cli {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Cli() {
    }

    /**
     * The outcome of one command line.
     *
     * @param exit exit code
     * @param out  stdout
     * @param err  stderr
     */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TboxSim.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    public static JsonNode json(Path file) throws Exception {
        return JSON.readTree(Files.readString(file));
    }
}
