package io.gmtls.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CaNodeArgsTest {

    @Test
    void writesTheArgumentsInTheOrderFirstSetAndNumbersTheApiKeys() {
        String[] args = CaNodeArgs.onDatabase("jdbc:postgresql://db/x", 4).loopback()
                .caKeys(Path.of("/tmp/k"), "pw").bootstrap("import").importFrom(Path.of("/tmp/pki"), false)
                .apiKey("ops", "operator", "aa").apiKey("emqx", "broker", "bb").toArray();
        assertThat(args).containsExactly("--server.port=0", "--gmtls.db.mode=external",
                "--gmtls.db.url=jdbc:postgresql://db/x", "--gmtls.db.pool-size=4", "--server.address=127.0.0.1",
                "--gmtls.ca.key-dir=/tmp/k", "--gmtls.ca.key-passphrase=pw", "--gmtls.ca.bootstrap.mode=import",
                "--gmtls.ca.bootstrap.import-dir=/tmp/pki", "--gmtls.ca.bootstrap.import-end-entities=false",
                "--gmtls.api-keys[0].name=ops", "--gmtls.api-keys[0].role=operator", "--gmtls.api-keys[0].sm3=aa",
                "--gmtls.api-keys[1].name=emqx", "--gmtls.api-keys[1].role=broker", "--gmtls.api-keys[1].sm3=bb");
    }

    @Test
    void aKeySetAgainKeepsItsPlaceWithTheNewValue() {
        assertThat(CaNodeArgs.onDatabase("u", 8).with("--gmtls.db.pool-size=16", "--a.b=c=d").toList())
                .containsExactly("--server.port=0", "--gmtls.db.mode=external", "--gmtls.db.url=u",
                        "--gmtls.db.pool-size=16", "--a.b=c=d");
        assertThatThrownBy(() -> CaNodeArgs.onDatabase("u", 1).with("server.port=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
