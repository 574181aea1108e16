// Wire tests of Mistral's streaming operations, run by `cargo xtask
// breadth` on the crate of `spec/third-party/mistral/mistral-openapi.yaml`
// (installed there as `tests/wire.rs`). A local server on 127.0.0.1
// replays streams written in the format Mistral documents: chat
// completions as `data:` chunks ended by `data: [DONE]`, conversations as
// named events (`event: message.output.delta`) whose data is the event.

use futures::TryStreamExt;
use mistral::Mistral;
use mistral::models::{
    ChatCompletionRequest, ConversationEventsData, ConversationStreamRequest, SseTypes,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves `body` once as an event stream, in chunks of `chunk` bytes, and
/// returns the request it received (head, then body).
async fn replay(body: &'static str, chunk: usize) -> (String, JoinHandle<(String, Value)>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a connection");
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 8192];
        let (head, request) = loop {
            let n = socket.read(&mut buffer).await.expect("request read");
            assert!(n > 0, "the client closed early");
            bytes.extend_from_slice(&buffer[..n]);
            let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                let body = serde_json::from_slice(&bytes[end + 4..end + 4 + length])
                    .expect("a JSON request");
                break (head, body);
            }
        };
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .expect("head sent");
        for piece in body.as_bytes().chunks(chunk) {
            let mut frame = format!("{:x}\r\n", piece.len()).into_bytes();
            frame.extend_from_slice(piece);
            frame.extend_from_slice(b"\r\n");
            socket.write_all(&frame).await.expect("chunk sent");
        }
        socket.write_all(b"0\r\n\r\n").await.expect("end sent");
        (head, request)
    });
    (url, task)
}

fn client(url: &str) -> Mistral {
    Mistral::builder()
        .api_key("test-key")
        .server_url(url)
        .build()
        .expect("a client")
}

/// A chat completion stream in the documented shape: a role chunk, content
/// chunks, a last chunk with `finish_reason` and `usage`, then `[DONE]`.
const CHAT: &str = "data: {\"id\":\"cmpl-e5cc70bb28c444948073e77776eb30ef\",\"object\":\"chat.completion.chunk\",\"created\":1702256327,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"cmpl-e5cc70bb28c444948073e77776eb30ef\",\"object\":\"chat.completion.chunk\",\"created\":1702256327,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Bonjour\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"cmpl-e5cc70bb28c444948073e77776eb30ef\",\"object\":\"chat.completion.chunk\",\"created\":1702256327,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \u{e0} tous\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"cmpl-e5cc70bb28c444948073e77776eb30ef\",\"object\":\"chat.completion.chunk\",\"created\":1702256327,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"total_tokens\":14,\"completion_tokens\":4}}\n\n\
data: [DONE]\n\n";

#[tokio::test]
async fn a_chat_completion_stream_replays_into_typed_chunks() {
    for chunk in [1, 7, CHAT.len()] {
        let (url, server) = replay(CHAT, chunk).await;
        let body: ChatCompletionRequest = serde_json::from_value(json!({
            "model": "mistral-small-latest",
            "messages": [{"role": "user", "content": "Dis bonjour"}]
        }))
        .expect("a request");
        let events: Vec<_> = client(&url)
            .chat()
            .chat_completion_v1_chat_completions_post_stream(body)
            .await
            .expect("the stream opens")
            .try_collect()
            .await
            .expect("every chunk decodes, and [DONE] ends the stream");
        assert_eq!(events.len(), 4, "chunks of {chunk} bytes");
        let text: String = events
            .iter()
            .flat_map(|event| &event.data.choices)
            .filter_map(|choice| serde_json::to_value(&choice.delta.content).ok())
            .filter_map(|content| content.as_str().map(str::to_owned))
            .collect();
        assert_eq!(text, "Bonjour \u{e0} tous");
        let last = &events[3].data;
        assert_eq!(last.usage.as_ref().map(|u| u.total_tokens), Some(14));
        assert_eq!(last.model, "mistral-small-latest");
        let (head, request) = server.await.expect("served");
        assert!(head.contains("accept: text/event-stream"), "{head}");
        assert!(head.contains("authorization: bearer test-key"), "{head}");
        assert_eq!(
            request["stream"], true,
            "the stream method asks for a stream"
        );
    }
}

/// A conversation stream: named events whose data carries its `type`, and
/// an event this version of the document does not list.
const CONVERSATION: &str = "event: conversation.response.started\n\
data: {\"type\":\"conversation.response.started\",\"conversation_id\":\"conv_0680\",\"created_at\":\"2025-05-26T15:27:55.112Z\"}\n\n\
event: message.output.delta\n\
data: {\"type\":\"message.output.delta\",\"output_index\":0,\"id\":\"msg_0681\",\"content\":\"Salut\",\"model\":\"mistral-medium-2505\",\"role\":\"assistant\",\"content_index\":0,\"created_at\":\"2025-05-26T15:27:55.500Z\"}\n\n\
event: conversation.response.thinking\n\
data: {\"type\":\"conversation.response.thinking\",\"note\":\"new in a later API version\"}\n\n\
event: conversation.response.done\n\
data: {\"type\":\"conversation.response.done\",\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10},\"created_at\":\"2025-05-26T15:27:56.000Z\"}\n\n";

#[tokio::test]
async fn a_conversation_stream_types_each_named_event_and_keeps_unknown_ones() {
    let (url, server) = replay(CONVERSATION, 5).await;
    let body: ConversationStreamRequest = serde_json::from_value(json!({
        "inputs": "Salut",
        "model": "mistral-medium-latest",
        "stream": true
    }))
    .expect("a request");
    let events: Vec<_> = client(&url)
        .beta_conversations()
        .agents_api_v1_conversations_start_stream(body)
        .await
        .expect("the stream opens")
        .try_collect()
        .await
        .expect("every event decodes");
    server.await.expect("served");
    assert_eq!(events.len(), 4);
    assert_eq!(events[0].event, SseTypes::ConversationResponseStarted);
    assert!(
        matches!(&events[0].data, ConversationEventsData::ResponseStartedEvent(e) if e.conversation_id == "conv_0680")
    );
    assert!(
        matches!(&events[1].data, ConversationEventsData::MessageOutputEvent(e) if e.id == "msg_0681")
    );
    assert_eq!(
        events[2].event,
        SseTypes::Unknown("conversation.response.thinking".to_owned())
    );
    assert!(
        matches!(&events[2].data, ConversationEventsData::Unknown(raw) if raw["note"] == "new in a later API version")
    );
    assert!(
        matches!(&events[3].data, ConversationEventsData::ResponseDoneEvent(e) if e.usage.total_tokens == Some(10))
    );
}
