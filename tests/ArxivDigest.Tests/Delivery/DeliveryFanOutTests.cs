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
    public async Task Once_the_guard_says_no_the_remaining_channels_are_withheld_neither_sent_nor_recorded()
    {
        var a = new Channel("a");
        var b = new Channel("b");
        var c = new Channel("c");
        var asked = 0;

        // The guard allows the first send only (as a run claim lost during the first delivery would).
        var outcomes = await DeliveryFanOut.DeliverAsync(Digest, [a, b, c], store, false, TimeProvider.System, CancellationToken.None,
            _ => Task.FromResult(++asked == 1));

        Assert.Equal([DeliveryState.Delivered, DeliveryState.Withheld, DeliveryState.Withheld], outcomes.Select(o => o.State));
        Assert.Equal(2, asked); // not asked again once it said no
        Assert.Equal([1, 0, 0], new[] { a.Sent, b.Sent, c.Sent });
        Assert.Equal(new HashSet<string> { "a" }, await store.GetDeliveredChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
        Assert.Empty(await store.GetInterruptedChannelsAsync("default", Digest.ListingDate, CancellationToken.None));
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
