package dev.juice.common.kafka;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic with the serdes of its keys and values. Every {@code stream()}, {@code to()}, producer and
 * consumer in Juice goes through one of these, built once from config by {@link Topics}.
 *
 * @param name topic name
 * @param keySerde serde of the record keys
 * @param valueSerde serde of the record values
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }

  @Override
  public String toString() {
    return name;
  }
}
