package dev.juice.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a trainer's /health says through its life, and how its main ends. */
class ServiceStateTest {
  @Test
  void aTrainerThatFinishesIsReadyAndFinished() throws Exception {
    ServiceState s = new ServiceState();
    assertFalse(s.health().ready(), "not ready before it reached the broker");
    s.connected();
    s.version(3);
    assertEquals("done", s.complete(() -> "done"));
    OpsServer.Health h = s.health();
    assertTrue(h.live() && h.ready());
    assertEquals("finished", h.details().get("phase"));
    assertEquals(3L, h.details().get("version"));
  }

  @Test
  void aFailureIsRethrownAndTurnsTheServiceNotLiveWithoutItsMessage() {
    ServiceState s = new ServiceState();
    s.connected();
    IllegalStateException boom = new IllegalStateException("prompt text that must not reach /health");
    assertSame(boom, assertThrows(IllegalStateException.class, () -> s.complete(() -> {
      throw boom;
    })));
    OpsServer.Health h = s.health();
    assertFalse(h.live());
    assertFalse(h.ready());
    assertEquals("java.lang.IllegalStateException", h.details().get("failure"));
    assertFalse(h.details().toString().contains("prompt text"));
    assertEquals("starting", h.details().get("phase"), "a failed run is not 'finished'");
  }

  @Test
  @Timeout(5)
  void byDefaultAFinishedTrainerExits() throws Exception {
    ServiceState.stayUpIfAsked(Map.of());
    ServiceState.stayUpIfAsked(Map.of("JUICE_EXIT_WHEN_DONE", "true"));
  }

  @Test
  void withExitWhenDoneFalseItStaysUpUntilStopped() throws Exception {
    Thread t = new Thread(() -> {
      try {
        ServiceState.stayUpIfAsked(Map.of("JUICE_EXIT_WHEN_DONE", "false"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    t.join(300);
    assertTrue(t.isAlive(), "still up");
    t.interrupt();
    t.join(5000);
    assertFalse(t.isAlive());
  }
}
