# The organization access token cmdlets against the Hub emulator: Get-, New-, Set-, Enable-, Disable-
# and Remove-HubOrgAccessToken. Every Describe makes its own organization (owner: a new account), and
# assertions check what the emulator holds (Get-ServerOrgToken) or was asked (the request log), not
# only what a cmdlet output. New-HubOrgAccessToken runs with -NoVault here except in the vault Describe.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # tests/Pester.ps1 runs with 'Stop'; per-item errors here must stay non-terminating so they can be counted.
    $ErrorActionPreference = 'Continue'

    function New-OwnedOrganization {
        # A new organization with a new owner, and a session of that owner.
        param([string] $Plan = 'Team', [string[]] $Member = @())
        $owner = New-TestAccount -Prefix 'oatown'
        $org = New-TestOrganization -Prefix 'oat' -Owner $owner.Username -Member $Member -Plan $Plan
        Connect-HubAccount -Credential $owner.Credential -HubUri $script:Hub
        [pscustomobject]@{ Name = $org.name; Owner = $owner }
    }

    function Use-Owner {
        # Tests that sign in as someone else replace the current session; each test starts as the owner.
        param([Parameter(Mandatory)] $Organization)
        Connect-HubAccount -Credential $Organization.Owner.Credential -HubUri $script:Hub
    }

    function Add-OrgToken {
        # Add-TestOrgToken hands back the emulator's JSON array as one object; this gives its tokens one by one.
        Add-TestOrgToken @args | ForEach-Object { $_ }
    }

    function Get-OrgRequest {
        # Requests to the organization's token routes since the log was last cleared.
        param([Parameter(Mandatory)][string] $Organization, [string] $Method)
        @(Get-HubRequestLog | Where-Object { $_.path -like "/v2/orgs/$Organization/access-tokens*" -and (-not $Method -or $_.method -eq $Method) })
    }

    function Get-WhatIfLine {
        param([string] $Text)
        @($Text -split '\r?\n' | Where-Object { $_ -like 'What if:*' })
    }

    function Add-Fault {
        param([Parameter(Mandatory)][hashtable] $Spec)
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec | Out-Null
    }

    function ConvertFrom-SecretString {
        param([Parameter(Mandatory)][securestring] $Secret)
        [pscredential]::new('x', $Secret).GetNetworkCredential().Password
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubOrgAccessToken' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
        $past = (Get-Date).ToUniversalTime().AddDays(-3).ToString('yyyy-MM-ddTHH:mm:ssZ')
        $script:Planted = @(Add-OrgToken -Organization $Org.Name -Token @(
                @{ label = 'ci-pull'; description = 'pulls the app'; last_used_at = $past
                    resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.Name)/app"; scopes = @('scope-image-pull') }) }
                @{ label = 'ci-push'; resources = @(@{ type = 'TYPE_REPO'; path = "$($Org.Name)/*"; scopes = @('scope-image-push') }
                        @{ type = 'TYPE_ORG'; path = $Org.Name; scopes = @('scope-repository-list') }) }
                @{ label = 'legacy'; is_active = $false }
                @{ label = 'old'; expires_at = '2020-01-01T00:00:00Z' }
            ))
        $script:Ids = @{}
        $Planted | ForEach-Object { $Ids[$_.label] = [guid]$_.id }
    }

    BeforeEach { Use-Owner $Org }

    It 'lists every token of the organization in one request, with its organization and state' {
        Clear-HubRequestLog
        $tokens = @(Get-HubOrgAccessToken $Org.Name)

        $tokens.Count | Should -Be 4
        $tokens | ForEach-Object { $_ | Should -BeOfType ([DockerHubPat.HubOrgAccessToken]) }
        ($tokens.Organization | Sort-Object -Unique) | Should -Be $Org.Name
        ($tokens | Where-Object Label -EQ 'legacy').State | Should -Be 'Inactive'
        ($tokens | Where-Object Label -EQ 'old').State | Should -Be 'Expired'
        ($tokens | Where-Object Label -EQ 'old').IsExpired | Should -BeTrue
        ($tokens | Where-Object Label -EQ 'ci-pull').CreatedBy | Should -Be $Org.Owner.Username
        ($tokens | Where-Object Label -EQ 'ci-pull').LastUsedAt | Should -Not -BeNullOrEmpty
        # Hub's list has neither; null says "not known", not "none".
        $tokens | ForEach-Object { $null -eq $_.Resources -and $null -eq $_.Description } | Should -Be @($true, $true, $true, $true)
        (Get-OrgRequest $Org.Name).Count | Should -Be 1
        (Get-OrgRequest $Org.Name).query | Should -Match 'page_size=100'
    }

    It 'filters by label with wildcards, and a literal label that matches nothing is AccessTokenNotFound' {
        $result = Split-Result (Get-HubOrgAccessToken $Org.Name 'ci-*', 'nope' 2>&1)

        @($result.Output.Label | Sort-Object) | Should -Be @('ci-pull', 'ci-push')
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        $result.Errors[0].Exception.Message | Should -Match "organization '$($Org.Name)'"
    }

    It 'filters with <Filter>' -ForEach @(
        @{ Filter = 'Expired'; Labels = @('old') }
        @{ Filter = 'Inactive'; Labels = @('legacy') }
        @{ Filter = 'NeverUsed'; Labels = @('ci-push', 'legacy', 'old') }
    ) {
        $arguments = @{ $Filter = $true }
        @(Get-HubOrgAccessToken $Org.Name @arguments | ForEach-Object Label | Sort-Object) | Should -Be $Labels
    }

    It '-Active and -Inactive together are AccessTokenFilterConflict' {
        $err = Get-TerminatingError { Get-HubOrgAccessToken $Org.Name -Active -Inactive }
        $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenFilterConflict,*'
    }

    It '-Id gets the description and the resources, in the module''s words' {
        $token = Get-HubOrgAccessToken $Org.Name -Id $Ids['ci-push']

        $token.Label | Should -Be 'ci-push'
        $token.Resources.Count | Should -Be 2
        $token.Resources[0] | Should -BeOfType ([DockerHubPat.HubOrgAccessTokenResource])
        $token.Resources[0].Type | Should -Be 'Repository'
        $token.Resources[0].Path | Should -Be "$($Org.Name)/*"
        $token.Resources[0].Scopes | Should -Be @('scope-image-push')
        $token.Resources[1].Type | Should -Be 'Organization'
        $token.Description | Should -Be ''
    }

    It '-IncludeResources gets each listed token again, in the listing''s order' {
        Clear-HubRequestLog
        $listed = @(Get-HubOrgAccessToken $Org.Name)
        $detailed = @(Get-HubOrgAccessToken $Org.Name -IncludeResources)

        $detailed.Id | Should -Be $listed.Id
        ($detailed | Where-Object Label -EQ 'ci-pull').Description | Should -Be 'pulls the app'
        $detailed | ForEach-Object { $_.Resources | Should -Not -BeNullOrEmpty }
        # one listing each, plus one GET per token
        (Get-OrgRequest $Org.Name GET).Count | Should -Be 6
    }

    It 'an unknown id is AccessTokenNotFound for that id, and the next id is still read' {
        $result = Split-Result (Get-HubOrgAccessToken $Org.Name -Id ([guid]::NewGuid()), $Ids['legacy'] 2>&1)

        $result.Output.Label | Should -Be 'legacy'
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
    }

    It 'a user who is not an owner is told so, and who may manage organization tokens' {
        $member = New-TestAccount -Prefix 'oatmem'
        Set-TestOrganization -Name $Org.Name -Member $member.Username | Out-Null
        $session = Connect-HubAccount -Credential $member.Credential -HubUri $script:Hub -PassThru

        $err = Get-TerminatingError { Get-HubOrgAccessToken $Org.Name -Session $session }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubOrganizationOwnerRequired,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -Match "'$($member.Username)' is not an owner of the organization '$($Org.Name)'"
        $err.Exception.Message | Should -Match 'Only the organization''s owners'
    }

    It 'an unknown organization is HubOrganizationNotFound' {
        $err = Get-TerminatingError { Get-HubOrgAccessToken 'nosuchorg123' }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubOrganizationNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match "no organization 'nosuchorg123'"
    }

    It 'a session signed in with a personal access token gets the same explanation as for personal tokens' {
        $pat = @(Add-TestToken -Username $Org.Owner.Username -Count 1 -LabelPrefix 'oatpat-')[0]
        $patCredential = [pscredential]::new($Org.Owner.Username, (ConvertTo-SecureString $pat.token -AsPlainText -Force))
        $session = Connect-HubAccount -Credential $patCredential -HubUri $script:Hub -PassThru -WarningAction SilentlyContinue

        $err = Get-TerminatingError { Get-HubOrgAccessToken $Org.Name -Session $session }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubTokenSessionRefused,*'
        $err.Exception.Message | Should -Match 'account password'
    }

    It 'the organization name is sent in lower case' {
        @(Get-HubOrgAccessToken $Org.Name.ToUpperInvariant() -Label 'legacy').Organization | Should -Be $Org.Name
    }
}

Describe 'New-HubOrgAccessToken' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
    }

    BeforeEach {
        Use-Owner $Org
        Clear-HubRequestLog
    }

    It 'creates a CI token with one resource per repository and the secret signs in with the organization as identifier' {
        $token = New-HubOrgAccessToken $Org.Name 'ci-app' -Repository "$($Org.Name)/app", "$($Org.Name)/web" `
            -RepositoryScope scope-image-pull, scope-image-push -Description 'CI' -ExpiresIn (New-TimeSpan -Days 30) -NoVault

        $token | Should -BeOfType ([DockerHubPat.HubOrgAccessToken])
        $token.Organization | Should -Be $Org.Name
        $token.Secret | Should -BeOfType ([securestring])
        $token.ExpiresAt | Should -BeGreaterThan (Get-Date).AddDays(29)
        $server = Get-ServerOrgToken -Organization $Org.Name -Id $token.Id
        $server.label | Should -Be 'ci-app'
        $server.description | Should -Be 'CI'
        @($server.resources).Count | Should -Be 2
        $server.resources | ForEach-Object { $_.type | Should -Be 'TYPE_REPO'; $_.scopes | Should -Be @('scope-image-pull', 'scope-image-push') }
        $secret = ConvertFrom-SecretString $token.Secret
        $secret | Should -Be $server.token
        (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.Name; secret = $secret }).Status | Should -Be 200
        (Get-OrgRequest $Org.Name POST).Count | Should -Be 1
    }

    It 'takes -OrganizationScope and -Resource hashtables, and -Repository alone gets scope-image-pull' {
        $token = New-HubOrgAccessToken $Org.Name 'mixed' -Repository "$($Org.Name)/app" -OrganizationScope scope-repository-list -Resource @(
            @{ Type = 'Repository'; Path = "$($Org.Name)/docs"; Scopes = 'scope-image-push' }) -NoVault

        $server = Get-ServerOrgToken -Organization $Org.Name -Id $token.Id
        ($server.resources | ForEach-Object { "$($_.type) $($_.path) $($_.scopes -join ',')" }) | Should -Be @(
            "TYPE_REPO $($Org.Name)/app scope-image-pull"
            "TYPE_ORG $($Org.Name) scope-repository-list"
            "TYPE_REPO $($Org.Name)/docs scope-image-push")
        $token.Resources.Type | Should -Be @('Repository', 'Organization', 'Repository')
    }

    It 'sends a scope it does not know, with a warning' {
        $result = Split-Result (New-HubOrgAccessToken $Org.Name 'future' -Repository "$($Org.Name)/app" -RepositoryScope scope-image-sign -NoVault 3>&1)

        $result.Warnings.Count | Should -Be 1
        "$($result.Warnings[0])" | Should -Match 'scope-image-sign'
        (Get-ServerOrgToken -Organization $Org.Name -Id $result.Output[0].Id).resources[0].scopes | Should -Be @('scope-image-sign')
    }

    It 'refuses <Case> with <ErrorId> before any request' -ForEach @(
        @{ Case = 'a token without resources'; ErrorId = 'AccessTokenResourceInvalid'; Arguments = @{} }
        @{ Case = 'a path that is not org/repo'; ErrorId = 'AccessTokenResourceInvalid'; Arguments = @{ Repository = 'app' } }
        @{ Case = 'a repository of another organization'; ErrorId = 'AccessTokenResourceInvalid'; Arguments = @{ Repository = 'globex/app' } }
        @{ Case = '51 repositories'; ErrorId = 'AccessTokenResourceInvalid'; Arguments = @{ RepositoryCount = 51 } }
        @{ Case = 'a scope without its prefix'; ErrorId = 'AccessTokenResourceInvalid'; Arguments = @{ Repository = 'ORG/app'; RepositoryScope = 'image-push' } }
        @{ Case = 'a description of 201 characters'; ErrorId = 'AccessTokenDescriptionInvalid'; Arguments = @{ Repository = 'ORG/app'; Description = 'd' * 201 } }
        @{ Case = 'an expiry in the past'; ErrorId = 'AccessTokenExpiryInvalid'; Arguments = @{ Repository = 'ORG/app'; ExpiresAt = (Get-Date).AddDays(-1) } }
        @{ Case = 'an expiry more than a year ahead'; ErrorId = 'AccessTokenExpiryInvalid'; Arguments = @{ Repository = 'ORG/app'; ExpiresIn = (New-TimeSpan -Days 367) } }
    ) {
        $given = @{}
        foreach ($key in $Arguments.Keys) {
            $given[$key] = if ($Arguments[$key] -is [string]) { $Arguments[$key] -replace '^ORG/', "$($Org.Name)/" } else { $Arguments[$key] }
        }
        if ($given.ContainsKey('RepositoryCount')) {
            $given.Repository = 1..$given.RepositoryCount | ForEach-Object { "$($Org.Name)/app$_" }
            $given.Remove('RepositoryCount')
        }

        $err = Get-TerminatingError { New-HubOrgAccessToken $Org.Name 'refused' @given -NoVault }

        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty
    }

    It '-WhatIf names the organization, the label and the resources, and creates nothing' {
        $text = Get-HostText { New-HubOrgAccessToken $Org.Name 'dry' -Repository "$($Org.Name)/app" -NoVault -WhatIf }

        $lines = @(Get-WhatIfLine $text)
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match "'dry' of '$($Org.Name)' for Repository $($Org.Name)/app: scope-image-pull"
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty
    }

    It 'at the plan''s limit says how many tokens exist and how to free room' {
        $full = New-OwnedOrganization
        Add-OrgToken -Organization $full.Name -Token (@(@{ label = 'gone'; expires_at = '2020-01-01T00:00:00Z' }; @{ label = 'off'; is_active = $false }) +
            @(1..8 | ForEach-Object { @{ label = "t$_" } })) | Out-Null

        $result = Split-Result (New-HubOrgAccessToken $full.Name 'one-more' -Repository "$($full.Name)/app" -NoVault 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenLimitReached,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
        $message = $result.Errors[0].Exception.Message
        $message | Should -Match "has 10 organization access tokens: 1 expired and 1 deactivated"
        $message | Should -Match ([regex]::Escape("Get-HubOrgAccessToken $($full.Name) -Expired | Remove-HubOrgAccessToken"))
        @(Get-ServerOrgToken -Organization $full.Name).Count | Should -Be 10
    }

    It 'never sends a lost create again, and says what it made and how to remove it' {
        Add-Fault @{ method = 'POST'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'drop_after' }
        try {
            $result = Split-Result (New-HubOrgAccessToken $Org.Name 'lost' -Repository "$($Org.Name)/app" -NoVault 2>&1)
        }
        finally { Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null }

        $made = @(Get-ServerOrgToken -Organization $Org.Name | Where-Object label -EQ 'lost')
        $made.Count | Should -Be 1
        (Get-OrgRequest $Org.Name POST).Count | Should -Be 1
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
        $result.Errors[0].Exception.Message | Should -Match $made[0].id
        $result.Errors[0].Exception.Message | Should -Match ([regex]::Escape("Remove-HubOrgAccessToken -Organization $($Org.Name) -Id $($made[0].id)"))
    }
}

Describe 'Set-HubOrgAccessToken' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
    }

    BeforeEach {
        Use-Owner $Org
        Clear-HubRequestLog
    }

    It 'changes label, description and resources in one request; resources replace all of them' {
        $id = [guid](Add-OrgToken -Organization $Org.Name -Token @{ label = 'before' })[0].id
        Clear-HubRequestLog

        $changed = Set-HubOrgAccessToken $Org.Name $id -Label 'after' -Description 'now described' -OrganizationScope scope-member-read -PassThru

        $changed.Label | Should -Be 'after'
        $server = Get-ServerOrgToken -Organization $Org.Name -Id $id
        $server.description | Should -Be 'now described'
        @($server.resources).Count | Should -Be 1
        $server.resources[0].type | Should -Be 'TYPE_ORG'
        (Get-OrgRequest $Org.Name).Count | Should -Be 1
        (Get-OrgRequest $Org.Name PATCH).Count | Should -Be 1
    }

    It 'takes the token from the pipeline, and -WhatIf names organization, label and id' {
        $token = Get-HubOrgAccessToken $Org.Name -Id (Add-OrgToken -Organization $Org.Name -Token @{ label = 'piped' })[0].id
        Clear-HubRequestLog

        $text = Get-HostText { $token | Set-HubOrgAccessToken -Label 'never' -WhatIf }

        @(Get-WhatIfLine $text)[0] | Should -Match "'piped' \($($token.Id)\) of '$($Org.Name)'"
        @(Get-WhatIfLine $text)[0] | Should -Match "set the label to 'never'"
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty
    }

    It 'nothing to change is AccessTokenChangeMissing before any request' {
        $err = Get-TerminatingError { Set-HubOrgAccessToken $Org.Name ([guid]::NewGuid()) }
        $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenChangeMissing,*'
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty
    }

    It 'an expired token is AccessTokenExpired: Hub allows only deleting it' {
        $id = (Add-OrgToken -Organization $Org.Name -Token @{ label = 'stale'; expires_at = '2020-01-01T00:00:00Z' })[0].id

        $result = Split-Result (Set-HubOrgAccessToken $Org.Name $id -Label 'renamed' 2>&1)

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenExpired,*'
        $result.Errors[0].Exception.Message | Should -Match 'can only be deleted'
        $result.Errors[0].Exception.Message | Should -Match ([regex]::Escape("Remove-HubOrgAccessToken -Organization $($Org.Name) -Id $id"))
        (Get-ServerOrgToken -Organization $Org.Name -Id $id).label | Should -Be 'stale'
    }
}

Describe 'Enable-, Disable- and Remove-HubOrgAccessToken' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
    }

    BeforeEach {
        Use-Owner $Org
        Clear-HubRequestLog
    }

    It 'disable and enable piped tokens, one request each, -PassThru gives the changed tokens' {
        $planted = @(Add-OrgToken -Organization $Org.Name -Count 3 -LabelPrefix 'st-')
        $tokens = @(Get-HubOrgAccessToken $Org.Name 'st-*')
        Clear-HubRequestLog

        $disabled = @($tokens | Disable-HubOrgAccessToken -PassThru)

        $disabled.Count | Should -Be 3
        $disabled.IsActive | Should -Be @($false, $false, $false)
        $planted | ForEach-Object { (Get-ServerOrgToken -Organization $Org.Name -Id $_.id).is_active | Should -BeFalse }
        (Get-OrgRequest $Org.Name PATCH).Count | Should -Be 3

        $tokens | Enable-HubOrgAccessToken
        $planted | ForEach-Object { (Get-ServerOrgToken -Organization $Org.Name -Id $_.id).is_active | Should -BeTrue }
    }

    It 'enabling a piped expired token is refused without a request; by id, after Hub''s refusal' {
        $id = (Add-OrgToken -Organization $Org.Name -Token @{ label = 'expired-off'; is_active = $false; expires_at = '2020-01-01T00:00:00Z' })[0].id
        $token = Get-HubOrgAccessToken $Org.Name -Id $id
        Clear-HubRequestLog

        $piped = Split-Result ($token | Enable-HubOrgAccessToken 2>&1)
        $piped.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenExpired,*'
        $piped.Errors[0].Exception.Message | Should -Match "'expired-off'"
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty

        $byId = Split-Result (Enable-HubOrgAccessToken $Org.Name $id 2>&1)
        $byId.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenExpired,*'
        (Get-ServerOrgToken -Organization $Org.Name -Id $id).is_active | Should -BeFalse
    }

    It 'rows of a CSV file bind Organization and Id by property name' {
        $planted = @(Add-OrgToken -Organization $Org.Name -Count 2 -LabelPrefix 'csv-')
        $csv = Join-Path $TestDrive 'tokens.csv'
        $planted | Select-Object @{ n = 'Organization'; e = { $Org.Name } }, id | Export-Csv -LiteralPath $csv

        Import-Csv -LiteralPath $csv | Disable-HubOrgAccessToken

        $planted | ForEach-Object { (Get-ServerOrgToken -Organization $Org.Name -Id $_.id).is_active | Should -BeFalse }
    }

    It 'Get -Inactive | Remove -Confirm:$false removes exactly the inactive tokens, one DELETE each' {
        $other = New-OwnedOrganization
        Add-OrgToken -Organization $other.Name -Token @(@{ label = 'keep' }, @{ label = 'off-1'; is_active = $false }, @{ label = 'off-2'; is_active = $false }) | Out-Null
        Clear-HubRequestLog

        Get-HubOrgAccessToken $other.Name -Inactive | Remove-HubOrgAccessToken -Confirm:$false

        @(Get-ServerOrgToken -Organization $other.Name).label | Should -Be @('keep')
        (Get-OrgRequest $other.Name DELETE).Count | Should -Be 2
    }

    It '-WhatIf of a removal names organization, label and id and removes nothing' {
        $planted = @(Add-OrgToken -Organization $Org.Name -Count 1 -LabelPrefix 'wi-')
        $token = Get-HubOrgAccessToken $Org.Name -Id $planted[0].id
        Clear-HubRequestLog

        $text = Get-HostText { $token | Remove-HubOrgAccessToken -Force -WhatIf }

        (Get-WhatIfLine $text) | Should -Match "organization access token 'wi-0001' \($($token.Id)\) of '$($Org.Name)'"
        Get-ServerOrgToken -Organization $Org.Name -Id $planted[0].id | Should -Not -BeNullOrEmpty
        Get-OrgRequest $Org.Name | Should -BeNullOrEmpty
    }

    It 'an unknown id is AccessTokenNotFound and the others are still removed' {
        $planted = @(Add-OrgToken -Organization $Org.Name -Count 1 -LabelPrefix 'nf-')

        $result = Split-Result (Remove-HubOrgAccessToken $Org.Name ([guid]::NewGuid()), $planted[0].id -Force 2>&1)

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        Get-ServerOrgToken -Organization $Org.Name -Id $planted[0].id | Should -BeNullOrEmpty
    }

    It 'a delete whose answer was lost is retried, and the token gone counts as removed' {
        $planted = @(Add-OrgToken -Organization $Org.Name -Count 1 -LabelPrefix 'drop-')
        Add-Fault @{ method = 'DELETE'; path = "/v2/orgs/$($Org.Name)/access-tokens/$($planted[0].id)"; kind = 'drop_after' }
        try { $result = Split-Result (Remove-HubOrgAccessToken $Org.Name $planted[0].id -Force 2>&1) }
        finally { Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null }

        $result.Errors | Should -BeNullOrEmpty
        Get-ServerOrgToken -Organization $Org.Name -Id $planted[0].id | Should -BeNullOrEmpty
        (Get-OrgRequest $Org.Name DELETE).Count | Should -Be 2
    }

    It 'a listing retried after a 503 and a 429 still lists everything' {
        Add-OrgToken -Organization $Org.Name -Count 2 -LabelPrefix 'rel-' | Out-Null
        Add-Fault @{ method = 'GET'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'status'; status = 503 }
        Add-Fault @{ method = 'GET'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'rate_limit'; seconds = 0 }
        try { $tokens = @(Get-HubOrgAccessToken $Org.Name 'rel-*') }
        finally { Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null }

        $tokens.Count | Should -Be 2
        (Get-OrgRequest $Org.Name GET).status | Should -Be @(503, 429, 200)
    }
}

Describe 'Organization token secrets in the vault' {
    BeforeAll {
        $script:Vaults = & (Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1')
        $script:Org = New-OwnedOrganization
    }

    AfterAll {
        $script:Vaults.Restore()
    }

    BeforeEach { Use-Owner $Org }

    It 'saves a PSCredential for the organization under DockerHub-organization-label, with the metadata' {
        $token = New-HubOrgAccessToken $Org.Name 'ci vault' -Repository "$($Org.Name)/app" -ExpiresIn (New-TimeSpan -Days 10) -Vault $Vaults.Default

        $name = "DockerHub-$($Org.Name)-ci_vault"
        $token.SecretName | Should -Be $name
        $token.Vault | Should -Be $Vaults.Default
        $credential = Get-Secret -Name $name -Vault $Vaults.Default
        $credential | Should -BeOfType ([pscredential])
        $credential.UserName | Should -Be $Org.Name
        $credential.GetNetworkCredential().Password | Should -Be (Get-ServerOrgToken -Organization $Org.Name -Id $token.Id).token
        $metadata = (Get-SecretInfo -Name $name -Vault $Vaults.Default).Metadata
        $metadata['TokenId'] | Should -Be $token.Id.ToString()
        $metadata['Kind'] | Should -Be 'OrganizationAccessToken'
        $metadata['Organization'] | Should -Be $Org.Name
        $metadata['Label'] | Should -Be 'ci vault'
        $metadata['HubUri'] | Should -Be "$script:Hub/"
        $metadata['CreatedAt'] | Should -Not -BeNullOrEmpty
        $metadata['ExpiresAt'] | Should -Not -BeNullOrEmpty
    }

    It 'a taken secret name stops the create before any request (SecretNameExists)' {
        Clear-HubRequestLog
        $result = Split-Result (New-HubOrgAccessToken $Org.Name 'ci vault' -Repository "$($Org.Name)/app" -Vault $Vaults.Default 2>&1)

        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SecretNameExists,*'
        Get-OrgRequest $Org.Name POST | Should -BeNullOrEmpty
    }

    It 'Remove-HubOrgAccessToken -RemoveSecret removes the token and its secret' {
        $token = New-HubOrgAccessToken $Org.Name 'short' -Repository "$($Org.Name)/app" -Vault $Vaults.Default

        $token | Remove-HubOrgAccessToken -RemoveSecret -Force

        Get-ServerOrgToken -Organization $Org.Name -Id $token.Id | Should -BeNullOrEmpty
        @(Get-SecretInfo -Name $token.SecretName -Vault $Vaults.Default) | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion of the organization token cmdlets' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
        Add-OrgToken -Organization $Org.Name -Token @(@{ label = 'ci-app' }, @{ label = 'ci-web' }, @{ label = 'deploy' }) | Out-Null

        function Get-Completion {
            param([Parameter(Mandatory)][string] $Line)
            $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
            @($result.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue')
        }
    }

    It '-Organization offers the organizations this session has worked with, and only those' {
        Use-Owner $Org
        @(Get-Completion 'Get-HubOrgAccessToken -Organization ') | Should -BeNullOrEmpty
        Get-HubOrgAccessToken $Org.Name | Out-Null

        (Get-Completion "Remove-HubOrgAccessToken -Organization $($Org.Name.Substring(0, 4))").CompletionText | Should -Be @($Org.Name)
    }

    It '-Label and -Id offer the tokens of the organization given, from one listing' {
        Use-Owner $Org
        Clear-HubRequestLog

        (Get-Completion "Get-HubOrgAccessToken $($Org.Name) -Label ci").CompletionText | Sort-Object | Should -Be @('ci-app', 'ci-web')
        $ids = (Get-Completion "Disable-HubOrgAccessToken -Organization $($Org.Name) -Id dep").CompletionText
        $ids | Should -Be @((Get-ServerOrgToken -Organization $Org.Name | Where-Object label -EQ 'deploy').id)
        (Get-OrgRequest $Org.Name GET).Count | Should -Be 1
    }

    It '-RepositoryScope and -OrganizationScope offer the scopes Docker documents for each, also by a part of the name' {
        (Get-Completion 'New-HubOrgAccessToken acme x -RepositoryScope push').CompletionText | Should -Be @('scope-image-push')
        (Get-Completion 'New-HubOrgAccessToken acme x -RepositoryScope scope-image-').CompletionText | Should -Be @('scope-image-pull', 'scope-image-push', 'scope-image-delete')
        (Get-Completion 'Set-HubOrgAccessToken acme x -OrganizationScope scope-member').CompletionText | Should -Be @('scope-member-read', 'scope-member-edit')
    }
}

Describe 'Reliability and secret hygiene on the organization routes' {
    BeforeAll {
        $script:Org = New-OwnedOrganization
    }

    BeforeEach {
        Use-Owner $Org
        Clear-HubRequestLog
    }

    AfterEach { Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null }

    It 'a create refused with 429 waits and is sent again: it was not applied, so one token is made' {
        Add-Fault @{ method = 'POST'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'rate_limit'; seconds = 0 }

        $token = New-HubOrgAccessToken $Org.Name 'after-429' -Repository "$($Org.Name)/app" -NoVault

        @(Get-ServerOrgToken -Organization $Org.Name | Where-Object label -EQ 'after-429').id | Should -Be @("$($token.Id)")
        (Get-OrgRequest $Org.Name POST).status | Should -Be @(429, 201)
    }

    It 'a create answered 503 is not sent again, and the check, finding nothing twice, gives the command to look with' {
        # A 503 may come after Hub made the token, so "nothing was made" is never concluded; -TimeoutSec 2
        # makes the second look come 2 s after the first.
        Connect-HubAccount -Credential $Org.Owner.Credential -HubUri $script:Hub -TimeoutSec 2
        Add-Fault @{ method = 'POST'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'status'; status = 503 }

        $result = Split-Result (New-HubOrgAccessToken $Org.Name 'after-503' -Repository "$($Org.Name)/app" -NoVault 2>&1)

        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
        $result.Errors[0].Exception.Message | Should -Not -Match 'safe'
        $result.Errors[0].Exception.Message | Should -Match ([regex]::Escape("Look with: Get-HubOrgAccessToken $($Org.Name) -Label 'after-503'"))
        (Get-OrgRequest $Org.Name POST).Count | Should -Be 1
        @(Get-ServerOrgToken -Organization $Org.Name | Where-Object label -EQ 'after-503') | Should -BeNullOrEmpty
    }

    It 'a refused session (401) is renewed once and the request sent again' {
        Add-Fault @{ method = 'GET'; path = "/v2/orgs/$($Org.Name)/access-tokens"; kind = 'status'; status = 401 }

        @(Get-HubOrgAccessToken $Org.Name).Count | Should -Be @(Get-ServerOrgToken -Organization $Org.Name).Count

        (Get-OrgRequest $Org.Name GET).status | Should -Be @(401, 200)
        @(Get-HubRequestLog | Where-Object path -EQ '/v2/users/login').Count | Should -Be 1
    }

    It 'a change whose answer was a 503 after Hub applied it is retried and succeeds' {
        $id = (Add-OrgToken -Organization $Org.Name -Token @{ label = 'flaky' }).id
        Add-Fault @{ method = 'PATCH'; path = "/v2/orgs/$($Org.Name)/access-tokens/$id"; kind = 'status_after'; status = 503 }

        $result = Split-Result (Disable-HubOrgAccessToken $Org.Name $id -PassThru 2>&1)

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.IsActive | Should -BeFalse
        (Get-OrgRequest $Org.Name PATCH).status | Should -Be @(503, 200)
    }

    It 'the new secret is in no output stream, verbose and debug included, nor in the object''s text' {
        $all = & { New-HubOrgAccessToken $Org.Name 'hygiene' -Repository "$($Org.Name)/app" -NoVault -Verbose -Debug } *>&1
        $secret = (Get-ServerOrgToken -Organization $Org.Name | Where-Object label -EQ 'hygiene').token
        $secret | Should -BeLike 'dckr_oat_*'

        $token = @($all | Where-Object { $_ -is [DockerHubPat.HubOrgAccessToken] })[0]
        $text = ($all | ForEach-Object { "$_" }) -join "`n"
        $text += ($token | Format-List * | Out-String) + ($token | Format-Table | Out-String) + ($token | ConvertTo-Json -Depth 3)
        $text | Should -Not -Match ([regex]::Escape($secret))
        $text | Should -Not -Match 'dckr_oat_'
    }
}
