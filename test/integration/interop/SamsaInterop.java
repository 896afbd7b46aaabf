// test/integration/interop/SamsaInterop.java - the Java client (kafka-clients
// of the broker under test) as the reference peer for test_batch_interop.c.
//
//   produce BOOTSTRAP N TOPIC=CODEC...  per topic, N records to partition 0 in one
//                                       batch with that compression: key k<i>,
//                                       value v<i>-CODEC, header h=<i>
//   consume BOOTSTRAP N TOPIC...         per topic, the first N records of partition 0,
//                                       a line each: topic TAB offset TAB key TAB
//                                       value TAB header h ("null" for null)
// Each ends with a line "done".
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class SamsaInterop {
    static String str(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[2]);
        if (a[0].equals("produce")) {
            for (int t = 3; t < a.length; t++) {
                String topic = a[t].split("=")[0], codec = a[t].split("=")[1];
                Properties p = new Properties();
                p.put("bootstrap.servers", a[1]);
                p.put("compression.type", codec);
                p.put("linger.ms", "1000");
                p.put("batch.size", "1000000");
                p.put("key.serializer", ByteArraySerializer.class.getName());
                p.put("value.serializer", ByteArraySerializer.class.getName());
                try (KafkaProducer<byte[], byte[]> prod = new KafkaProducer<>(p)) {
                    for (int i = 0; i < n; i++) {
                        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i + "-" + codec).getBytes(StandardCharsets.UTF_8));
                        r.headers().add("h", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                        prod.send(r);
                    }
                    prod.flush();
                }
            }
        } else {
            Properties p = new Properties();
            p.put("bootstrap.servers", a[1]);
            p.put("key.deserializer", ByteArrayDeserializer.class.getName());
            p.put("value.deserializer", ByteArrayDeserializer.class.getName());
            p.put("enable.auto.commit", "false");
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                for (int t = 3; t < a.length; t++) {
                    TopicPartition tp = new TopicPartition(a[t], 0);
                    int got = 0;
                    c.assign(Collections.singletonList(tp));
                    c.seekToBeginning(Collections.singletonList(tp));
                    long end = System.currentTimeMillis() + 30000;
                    while (got < n && System.currentTimeMillis() < end) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                            Header h = r.headers().lastHeader("h");
                            System.out.println(a[t] + "\t" + r.offset() + "\t" + str(r.key()) + "\t" +
                                               str(r.value()) + "\t" + (h == null ? "null" : str(h.value())));
                            got++;
                        }
                    }
                }
            }
        }
        System.out.println("done");
    }
}
