using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Storage;

namespace ArxivDigest.Tests.Delivery;

/// <summary>The fan-out's failure policy and the SQLite ledger, with scripted channels.</summary>
public sealed class DeliveryFanOutTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("arxiv-digest-ledger-").FullName;
    private SqliteStore store = null!;

    private static readonly Digest Digest = new()
    {
        Name = "default",
        ListingDate = new DateOnly(2026, 3, 26),
        AnnouncedAt = new DateTimeOffset(2026, 3, 25, 20, 0, 0, TimeSpan.FromHours(-4)),
        GeneratedAt = new DateTimeOffset(2026, 3, 26, 9, 0, 0, TimeSpan.FromHours(8)),
        Categories = ["cs"],
        Groups = [],
    };

    public async Task InitializeAsync() => store = await SqliteStore.OpenAsync(Path.Combine(dir, "ledger.db"), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private Task<IReadOnlyList<DeliveryOutcome>> Deliver(bool resend, params Channel[] channels) =>
        DeliveryFanOut.DeliverAsync(Digest, channels, store, resend, TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task A_failing_channel_is_recorded_and_the_others_still_get_the_digest()
    {
        var a = new Channel("a");
        var b = new Channel("b") { Fail = true };
        var c = new Channel("c");

        var outcomes = await Deliver(false, a, b, c);

        Assert.Equal([DeliveryState.Delivered, DeliveryState.Failed, DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Contains("b: boom", outcomes[1].Error);
        Assert.Equal(1, a.Sent);
        Assert.Equal(1, c.Sent);
        Assert.Equal(new HashSet<string> { "a", "c" }, await store.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_delivery_skips_channels_that_have_it_and_retries_the_failed_one()
    {
        var a = new Channel("a");
        var b = new Channel("b") { Fail = true };
        await Deliver(false, a, b);
        b.Fail = false;

        var outcomes = await Deliver(false, a, b);

        Assert.Equal([DeliveryState.AlreadyDelivered, DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Equal(1, a.Sent);
        Assert.Equal(1, b.Sent);
    }

    [Fact]
    public async Task Resend_delivers_to_every_channel_again()
    {
        var a = new Channel("a");
        await Deliver(false, a);

        await Deliver(true, a);

        Assert.Equal(2, a.Sent);
    }

    [Fact]
    public async Task The_ledger_is_per_digest_and_listing_date()
    {
        var a = new Channel("a");
        await Deliver(false, a);

        Assert.Empty(await store.GetDeliveredChannelsAsync("default", Digest.ListingDate.AddDays(1), CancellationToken.None));
        Assert.Empty(await store.GetDeliveredChannelsAsync("other", Digest.ListingDate, CancellationToken.None));
    }

    [Fact]
    public async Task A_send_interrupted_between_the_post_and_its_record_is_reported_and_not_sent_again()
    {
        var a = new Channel("a");
        var b = new Channel("b");

        // The process "dies" right after b's send: its outcome never reaches the ledger.
        await Assert.ThrowsAsync<SimulatedCrash>(() =>
            DeliveryFanOut.DeliverAsync(Digest, [a, b], new CrashAfterSend(store, "b"), false, TimeProvider.System, CancellationToken.None));
        Assert.Equal(1, b.Sent);

        var outcomes = await Deliver(false, a, b);

        Assert.Equal([DeliveryState.AlreadyDelivered, DeliveryState.Interrupted], outcomes.Select(o => o.State));
        Assert.Equal(1, a.Sent);
        Assert.Equal(1, b.Sent);
        Assert.Equal(new HashSet<string> { "b" }, await store.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    [Fact]
    public async Task Resend_sends_an_interrupted_delivery_again_and_then_records_it_delivered()
    {
        var b = new Channel("b");
        await Assert.ThrowsAsync<SimulatedCrash>(() =>
            DeliveryFanOut.DeliverAsync(Digest, [b], new CrashAfterSend(store, "b"), false, TimeProvider.System, CancellationToken.None));

        var outcomes = await Deliver(true, b);

        Assert.Equal([DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Equal(2, b.Sent);
        Assert.Empty(await store.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
        Assert.Equal(new HashSet<string> { "b" }, await store.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    [Fact]
    public async Task A_send_that_fails_is_recorded_failed_not_sending_and_is_retried_next_time()
    {
        var b = new Channel("b") { Fail = true };
        await Deliver(false, b);
        Assert.Empty(await store.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
        b.Fail = false;

        var outcomes = await Deliver(false, b);

        Assert.Equal([DeliveryState.Delivered], outcomes.Select(o => o.State));
        Assert.Equal(1, b.Sent);
    }

    [Fact]
    public async Task A_failed_record_never_downgrades_a_delivered_channel()
    {
        await store.RecordDeliveryAsync("default", Digest.ListingDate, "a", true, null, DateTimeOffset.UtcNow, CancellationToken.None);
        await store.RecordDeliveryAsync("default", Digest.ListingDate, "a", false, "late failure", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(new HashSet<string> { "a" }, await store.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
    }

    private sealed class SimulatedCrash : Exception;

    /// <summary>The real ledger, except that recording <paramref name="channel"/>'s outcome "kills the process".</summary>
    private sealed class CrashAfterSend(SqliteStore inner, string channel) : IDeliveryLedger
    {
        public Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
            inner.GetDeliveredChannelsAsync(digest, listingDate, cancellationToken);

        public Task<IReadOnlySet<string>> GetInterruptedChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
            inner.GetInterruptedChannelsAsync(digest, listingDate, cancellationToken);

        public Task MarkSendingAsync(string digest, DateOnly listingDate, string name, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkSendingAsync(digest, listingDate, name, at, cancellationToken);

        public Task RecordDeliveryAsync(string digest, DateOnly listingDate, string name, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken) =>
            name == channel ? throw new SimulatedCrash() : inner.RecordDeliveryAsync(digest, listingDate, name, delivered, error, at, cancellationToken);
    }

    private sealed class Channel(string name) : IDeliveryChannel
    {
        public string Name => name;

        public bool Fail { get; set; }

        public int Sent { get; private set; }

        public Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new DeliveryException(name, "boom");
            }

            Sent++;
            return Task.CompletedTask;
        }
    }
}
