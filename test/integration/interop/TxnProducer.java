// test/integration/interop/TxnProducer.java - the Java client writes
// committed and aborted transactions, interleaved, for test_consumer.c's
// read_committed test.
//
//   TxnProducer BOOTSTRAP TOPIC   to partition 0:
//     t1 commits c0..c4; t2 aborts a0..a4; then, interleaved batch by batch,
//     t1 writes c5..c7, t2 writes a5..a7, t1 writes c8, t2 aborts, t1
//     commits; last t1 commits c9.
// Prints "done" at the end.
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class TxnProducer {
    static KafkaProducer<byte[], byte[]> make(String boot, String id) {
        Properties p = new Properties();
        p.put("bootstrap.servers", boot);
        p.put("transactional.id", id);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> prod = new KafkaProducer<>(p);
        prod.initTransactions();
        return prod;
    }

    static void send(KafkaProducer<byte[], byte[]> p, String topic, String v) {
        p.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8)));
    }

    public static void main(String[] a) throws Exception {
        String boot = a[0], topic = a[1];
        try (KafkaProducer<byte[], byte[]> t1 = make(boot, topic + "-t1");
             KafkaProducer<byte[], byte[]> t2 = make(boot, topic + "-t2")) {
            t1.beginTransaction();
            for (int i = 0; i < 5; i++) send(t1, topic, "c" + i);
            t1.commitTransaction();
            t2.beginTransaction();
            for (int i = 0; i < 5; i++) send(t2, topic, "a" + i);
            t2.flush();
            t2.abortTransaction();
            t1.beginTransaction();
            t2.beginTransaction();
            for (int i = 5; i < 8; i++) send(t1, topic, "c" + i);
            t1.flush();
            for (int i = 5; i < 8; i++) send(t2, topic, "a" + i);
            t2.flush();
            send(t1, topic, "c8");
            t1.flush();
            t2.abortTransaction();
            t1.commitTransaction();
            t1.beginTransaction();
            send(t1, topic, "c9");
            t1.commitTransaction();
        }
        System.out.println("done");
    }
}
